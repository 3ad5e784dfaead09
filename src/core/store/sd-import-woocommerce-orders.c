/* sd-import-woocommerce-orders.c — WooCommerce's order and customer CSV exports
 *
 * WooCommerce has no order export of its own that keeps line items; the one shops use is
 * “Order Export & Order Import for WooCommerce”, one row per order with each line item in a
 * column of its own (line_item_1, line_item_2, …) written as “name:Hoodie|product_id:12|
 * sku:HD-1|quantity:2|total:36.00|sub_total:40.00|…”, and used coupons in coupon_items
 * (“code:spring10|amount:4.00”, several separated by “;”). A line's price is its sub_total
 * (before coupons) over its quantity, as Shopify's line prices are; its product is found by
 * SKU, else woo-<product_id>, as the product export and the sync key them. Customers come
 * from the same plugin's user export (user_email, first_name, last_name, billing_country,
 * user_registered) or from WooCommerce Analytics' customer report (Email, Name, Country /
 * Region, Date registered). Both key customers by e-mail in lower case, as the sync does.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-import-private.h"

#define MAX_LINE_ITEMS 200

typedef struct {
  int order, date, status, email, first_name, last_name, country, currency, total, discount,
      shipping, tax, coupons;
  int items[MAX_LINE_ITEMS];
  guint n_items;
  /* customers */
  int name, registered;
} State;

static gpointer
state_new (void)
{
  return g_new0 (State, 1);
}

#define COLUMN(ctx, ...) sd_import_column ((ctx), (const char *const[]) { __VA_ARGS__, NULL })

/* orders */

static const char *const required_orders[] = { "order_id|order_number", "order_date", "status", "line_item_1", NULL };

static int
match_orders (char  **header,
              guint   n_header)
{
  static const char *const optional[] = { "customer_email", "billing_email", "billing_country", "order_currency",
                                          "order_total", "discount_total", "coupon_items", "line_item_2", NULL };

  return sd_import_match_columns (header, n_header, required_orders, optional);
}

static gboolean
begin_orders (SdImportContext  *ctx,
              GError          **error)
{
  State *s = ctx->state;

  s->email = COLUMN (ctx, "customer_email", "billing_email");
  s->first_name = COLUMN (ctx, "billing_first_name");
  s->last_name = COLUMN (ctx, "billing_last_name");
  s->country = COLUMN (ctx, "billing_country", "shipping_country");
  s->currency = COLUMN (ctx, "order_currency");
  s->total = COLUMN (ctx, "order_total");
  s->discount = COLUMN (ctx, "discount_total", "cart_discount");
  s->shipping = COLUMN (ctx, "shipping_total");
  s->tax = COLUMN (ctx, "tax_total", "order_tax");
  s->coupons = COLUMN (ctx, "coupon_items");
  for (guint i = 1; i <= MAX_LINE_ITEMS; i++)
    {
      g_autofree char *name = g_strdup_printf ("line_item_%u", i);
      int column = COLUMN (ctx, name);

      if (column < 0)
        break;
      s->items[s->n_items++] = column;
    }
  return sd_import_require (ctx, (const char *const[]) { "order_id", "order_number", NULL }, &s->order, error) &&
         sd_import_require (ctx, (const char *const[]) { "order_date", NULL }, &s->date, error) &&
         sd_import_require (ctx, (const char *const[]) { "status", NULL }, &s->status, error);
}

/* “processing”, “wc-processing”, “Processing” → Shopdesk's status, or NULL. */
static const char *
order_status (const char *text)
{
  static const char *const map[][2] = {
    { "processing", "paid" }, { "completed", "delivered" }, { "on-hold", "pending" }, { "pending", "pending" },
    { "checkout-draft", "pending" }, { "cancelled", "cancelled" }, { "failed", "cancelled" },
    { "refunded", "refunded" },
  };
  const char *name = g_str_has_prefix (text, "wc-") ? text + 3 : text;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (name, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

/* “name:Hoodie|sku:HD-1|quantity:2” → its fields; values may hold colons, not bars. */
static GHashTable *
parse_item (const char *text)
{
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) parts = g_strsplit (text, "|", -1);

  for (guint i = 0; parts[i]; i++)
    {
      char *colon = strchr (parts[i], ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      g_hash_table_insert (fields, g_ascii_strdown (g_strstrip (parts[i]), -1), g_strdup (g_strstrip (colon + 1)));
    }
  return fields;
}

static gboolean
add_line (SdImportContext  *ctx,
          SdImportOrder    *order,
          gint64            customer_id,
          gint64            placed,
          gboolean          purchase,
          guint             item,
          const char       *text,
          GError          **error)
{
  g_autoptr(GHashTable) fields = parse_item (text);
  const char *sku = g_hash_table_lookup (fields, "sku");
  const char *product = g_hash_table_lookup (fields, "variation_id");
  const char *name = g_hash_table_lookup (fields, "name");
  const char *amount = g_hash_table_lookup (fields, "sub_total");
  gint64 quantity, cents, product_id;
  gboolean rounded;
  g_autofree char *key = NULL;

  if (product == NULL || g_str_equal (product, "") || g_str_equal (product, "0"))
    product = g_hash_table_lookup (fields, "product_id");
  if (amount == NULL || *amount == '\0')
    amount = g_hash_table_lookup (fields, "total");
  if (!g_hash_table_lookup (fields, "quantity") || !sd_import_parse_int (g_hash_table_lookup (fields, "quantity"), &quantity))
    return sd_import_reject (ctx, _("no quantity in column %s"), ctx->header[item]);
  if (amount == NULL || !sd_import_parse_cents (amount, &cents, &rounded))
    return sd_import_reject (ctx, _("no sub_total or total in column %s"), ctx->header[item]);
  if (sku && *sku)
    key = g_strdup (sku);
  else if (product && *product && !g_str_equal (product, "0"))
    key = g_strconcat ("woo-", product, NULL);
  else if (name && *name)
    key = g_strdup (name);
  else
    return sd_import_reject (ctx, _("no sku, product_id or name in column %s"), ctx->header[item]);
  if ((product_id = sd_import_product_ref (ctx, key, name, error)) < 0)
    return FALSE;
  /* WooCommerce's sub_total is the line's, not the unit's. */
  if (!sd_import_order_line (ctx, order, product_id, quantity, quantity ? cents / quantity : cents, error))
    return FALSE;
  if (customer_id > 0 && purchase && quantity > 0)
    return sd_import_event (ctx, customer_id, product_id, SD_EVENT_PURCHASE, placed, quantity, 0, NULL, error);
  return TRUE;
}

static gboolean
add_coupons (SdImportContext  *ctx,
             SdImportOrder    *order,
             const char       *text,
             GError          **error)
{
  g_auto(GStrv) coupons = g_strsplit (text, ";", -1);

  for (guint i = 0; coupons[i]; i++)
    {
      g_autoptr(GHashTable) fields = parse_item (coupons[i]);
      const char *code = g_hash_table_lookup (fields, "code");
      const char *amount = g_hash_table_lookup (fields, "amount");
      gint64 cents = 0;
      gboolean rounded;

      if (code == NULL || *code == '\0')
        continue;
      if (amount && !sd_import_parse_cents (amount, &cents, &rounded))
        cents = 0;
      if (!sd_import_coupon_use (ctx, order, code, cents, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
row_orders (SdImportContext  *ctx,
            GError          **error)
{
  State *s = ctx->state;
  const char *id = sd_import_field (ctx, s->order);
  const char *status_text = sd_import_field (ctx, s->status);
  const char *status = order_status (status_text);
  const char *email = sd_import_field_or_null (ctx, s->email);
  const char *country = sd_import_field_or_null (ctx, s->country);
  gint64 placed, customer_id = 0, charged = -1, discount = 0, shipping = 0, tax = 0;
  SdImportOrder *order;
  gboolean purchase, any = FALSE;

  if (*id == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->order]);
  if (status == NULL)
    return sd_import_reject (ctx, _("unknown status “%.40s” in column %s (processing, completed, on-hold, pending, cancelled, failed or refunded)"),
                             status_text, ctx->header[s->status]);
  if (!sd_import_get_time (ctx, s->date, TRUE, &placed) ||
      !sd_import_get_cents (ctx, s->total, FALSE, &charged) ||
      !sd_import_get_cents (ctx, s->discount, FALSE, &discount) ||
      !sd_import_get_cents (ctx, s->shipping, FALSE, &shipping) ||
      !sd_import_get_cents (ctx, s->tax, FALSE, &tax))
    return TRUE;
  for (guint i = 0; i < s->n_items; i++)
    any |= *sd_import_field (ctx, s->items[i]) != '\0';
  if (!any)
    return sd_import_reject (ctx, _("no line items (columns line_item_1, …)"));

  if (email)
    {
      g_autofree char *lower = g_ascii_strdown (email, -1);
      g_autofree char *key = sd_import_identity (ctx, lower);
      g_autofree char *name = g_strstrip (g_strdup_printf ("%s %s", sd_import_field (ctx, s->first_name),
                                                           sd_import_field (ctx, s->last_name)));

      if ((customer_id = sd_import_customer (ctx, key, *name ? name : NULL, lower, country, error)) < 0)
        return FALSE;
    }
  else
    sd_import_count (ctx, "orders-without-customer");
  if (g_str_equal (status, "cancelled"))
    sd_import_count (ctx, "cancellations");
  purchase = !g_str_equal (status, "cancelled") && !g_str_equal (status, "pending") && !g_str_equal (status, "refunded");
  if (!(order = sd_import_order (ctx, id, customer_id, placed, status, sd_import_field_or_null (ctx, s->currency),
                                 country, error)))
    return FALSE;
  if (charged >= 0)
    sd_import_order_set_charges (order, charged, discount, shipping, tax);
  for (guint i = 0; i < s->n_items; i++)
    {
      const char *item = sd_import_field (ctx, s->items[i]);

      if (*item && !add_line (ctx, order, customer_id, placed, purchase, s->items[i], item, error))
        return FALSE;
    }
  return sd_import_field_or_null (ctx, s->coupons) == NULL ||
         add_coupons (ctx, order, sd_import_field (ctx, s->coupons), error);
}

const SdImportFormatInfo sd_import_woocommerce_orders = {
  .format = SD_IMPORT_WOOCOMMERCE_ORDERS,
  .name = "woocommerce-orders",
  .label = N_("WooCommerce orders"),
  .match = match_orders,
  .begin = begin_orders,
  .row = row_orders,
  .state_new = state_new,
  .state_free = g_free,
  .has_header = TRUE,
  .required = required_orders,
};

/* customers */

static const char *const required_customers[] = { "user_email|email", NULL };

static int
match_customers (char  **header,
                 guint   n_header)
{
  static const char *const optional[] = { "user_login", "username", "first_name", "last_name", "billing_country",
                                          "country / region", "user_registered", "date registered", "last active",
                                          "total spend", NULL };

  int score;

  /* Shopify's customers export has an Email column too; its First Name is two words. */
  if (sd_import_header_has (header, n_header, "first name"))
    return 0;
  if (!sd_import_header_has (header, n_header, "user_email") && !sd_import_header_has (header, n_header, "username") &&
      !sd_import_header_has (header, n_header, "user_login"))
    return 0;
  /* WordPress's own column names: this file, even though it has a customer_id as
   * Shopdesk's customers file does. */
  score = sd_import_match_columns (header, n_header, required_customers, optional);
  return score > 0 ? score + 100 : 0;
}

static gboolean
begin_customers (SdImportContext  *ctx,
                 GError          **error)
{
  State *s = ctx->state;

  s->name = COLUMN (ctx, "name", "display_name");
  s->first_name = COLUMN (ctx, "first_name", "billing_first_name");
  s->last_name = COLUMN (ctx, "last_name", "billing_last_name");
  s->country = COLUMN (ctx, "billing_country", "country / region", "country");
  s->registered = COLUMN (ctx, "user_registered", "date registered");
  return sd_import_require (ctx, (const char *const[]) { "user_email", "email", NULL }, &s->email, error);
}

static gboolean
row_customers (SdImportContext  *ctx,
               GError          **error)
{
  State *s = ctx->state;
  const char *email = sd_import_field (ctx, s->email);
  g_autofree char *lower = NULL, *key = NULL, *name = NULL;
  SdImportCustomer c = { NULL };

  if (*email == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->email]);
  if (!sd_import_get_time (ctx, s->registered, FALSE, &c.created_at))
    return TRUE;
  lower = g_ascii_strdown (email, -1);
  key = sd_import_identity (ctx, lower);
  /* The full name over WordPress's display name, which is often a nickname. */
  name = g_strstrip (g_strdup_printf ("%s %s", sd_import_field (ctx, s->first_name), sd_import_field (ctx, s->last_name)));
  if (*name == '\0')
    {
      g_free (name);
      name = g_strdup (sd_import_field (ctx, s->name));
    }
  c.external_id = key;
  c.name = *name ? name : NULL;
  c.email = lower;
  c.country = sd_import_field_or_null (ctx, s->country);
  return sd_import_customer_full (ctx, &c, error) >= 0;
}

const SdImportFormatInfo sd_import_woocommerce_customers = {
  .format = SD_IMPORT_WOOCOMMERCE_CUSTOMERS,
  .name = "woocommerce-customers",
  .label = N_("WooCommerce customers"),
  .match = match_customers,
  .begin = begin_customers,
  .row = row_customers,
  .state_new = state_new,
  .state_free = g_free,
  .has_header = TRUE,
  .required = required_customers,
};
