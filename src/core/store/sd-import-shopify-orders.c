/* sd-import-shopify-orders.c — Shopify's orders export
 *
 * One row per line item; the order's own fields (e-mail, dates, status, billing) are
 * filled only on an order's first row. Customers are known by e-mail here, the same
 * key the customers export uses, so the two imports meet. Line items become order
 * lines and, for orders not cancelled, purchase events. A line item names its product
 * by variant SKU and “Title - Variant” name, while the products export keys products
 * by handle; so a line item is matched by SKU (a product's own key, then the variant
 * SKUs the products export listed), then by its name, then by the name before the
 * variant, and only then made a product of its own.
 *
 * The order's Total, Discount Amount, Shipping and Taxes are kept as they are: the
 * total is what was charged, not the sum of the lines. An order not paid yet
 * (pending, authorized, unpaid) is “pending” and an expired authorisation is
 * “cancelled”; neither is a purchase.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-import-private.h"

typedef struct {
  gint64   customer_id;
  gint64   at;
  gboolean purchase;    /* its lines are purchases: paid, and not cancelled or refunded */
} Order;

typedef struct {
  int name, email, created, financial, fulfillment, cancelled_at, currency, billing_name,
      billing_country, shipping_country, quantity, item_name, item_price, item_sku,
      total, discount, discount_code, shipping, taxes;
  GHashTable *orders;   /* name → Order */
  GHashTable *titles;   /* product title → gint64 * rowid, loaded on first need */
} State;

static gpointer
state_new (void)
{
  State *s = g_new0 (State, 1);

  s->orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return s;
}

static void
state_free (gpointer data)
{
  State *s = data;

  g_hash_table_unref (s->orders);
  g_clear_pointer (&s->titles, g_hash_table_unref);
  g_free (s);
}

static const char *const required[] = { "name", "lineitem name", "lineitem quantity", NULL };

static int
match (char  **header,
       guint   n_header)
{
  static const char *const optional[] = { "email", "created at", "lineitem price", "lineitem sku",
                                          "financial status", "currency", "total", NULL };

  return sd_import_match_columns (header, n_header, required, optional);
}

static gboolean
begin (SdImportContext  *ctx,
       GError          **error)
{
  State *s = ctx->state;

  s->email = sd_import_column (ctx, (const char *const[]) { "email", NULL });
  s->financial = sd_import_column (ctx, (const char *const[]) { "financial status", NULL });
  s->fulfillment = sd_import_column (ctx, (const char *const[]) { "fulfillment status", NULL });
  s->cancelled_at = sd_import_column (ctx, (const char *const[]) { "cancelled at", NULL });
  s->currency = sd_import_column (ctx, (const char *const[]) { "currency", NULL });
  s->billing_name = sd_import_column (ctx, (const char *const[]) { "billing name", NULL });
  s->billing_country = sd_import_column (ctx, (const char *const[]) { "billing country", NULL });
  s->shipping_country = sd_import_column (ctx, (const char *const[]) { "shipping country", NULL });
  s->total = sd_import_column (ctx, (const char *const[]) { "total", NULL });
  s->discount = sd_import_column (ctx, (const char *const[]) { "discount amount", NULL });
  s->discount_code = sd_import_column (ctx, (const char *const[]) { "discount code", NULL });
  s->shipping = sd_import_column (ctx, (const char *const[]) { "shipping", NULL });
  s->taxes = sd_import_column (ctx, (const char *const[]) { "taxes", NULL });
  s->item_sku = sd_import_column (ctx, (const char *const[]) { "lineitem sku", NULL });
  return sd_import_require (ctx, (const char *const[]) { "name", NULL }, &s->name, error) &&
         sd_import_require (ctx, (const char *const[]) { "created at", NULL }, &s->created, error) &&
         sd_import_require (ctx, (const char *const[]) { "lineitem quantity", NULL }, &s->quantity, error) &&
         sd_import_require (ctx, (const char *const[]) { "lineitem name", NULL }, &s->item_name, error) &&
         sd_import_require (ctx, (const char *const[]) { "lineitem price", NULL }, &s->item_price, error) &&
         sd_import_scan_date_order (ctx, s->created, error);
}

static const char *
order_status (SdImportContext *ctx,
              State           *s)
{
  const char *financial = sd_import_field (ctx, s->financial);
  const char *fulfillment = sd_import_field (ctx, s->fulfillment);

  if (*sd_import_field (ctx, s->cancelled_at) || g_ascii_strcasecmp (financial, "voided") == 0 ||
      g_ascii_strcasecmp (financial, "expired") == 0)
    return "cancelled";
  if (g_ascii_strcasecmp (financial, "refunded") == 0)
    return "refunded";
  if (g_ascii_strcasecmp (financial, "pending") == 0 || g_ascii_strcasecmp (financial, "authorized") == 0 ||
      g_ascii_strcasecmp (financial, "unpaid") == 0)
    return "pending";
  if (g_ascii_strcasecmp (fulfillment, "fulfilled") == 0)
    return "shipped";
  return "paid";
}

static gboolean
load_titles (SdImportContext  *ctx,
             State            *s,
             GError          **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (ctx->store, "SELECT id, title FROM products ORDER BY id DESC", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  s->titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_insert (s->titles, g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
                           g_memdup2 (&id, sizeof id));
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (ctx->store, _("Could not read the products"), error);
  return TRUE;
}

static gint64
line_item_product (SdImportContext  *ctx,
                   State            *s,
                   const char       *sku,
                   const char       *name,
                   GError          **error)
{
  const char *key = sku ? sku : name;
  gint64 id = sd_import_product_find (ctx, key, error);
  gint64 *by_title = NULL;

  if (id == 0 && sku)
    {
      if ((id = sd_import_product_by_sku (ctx, sku, error)) > 0)
        g_hash_table_insert (ctx->products, g_strdup (key), g_memdup2 (&id, sizeof id));
    }
  if (id != 0)
    return id;
  if (name)
    {
      const char *dash;
      if (s->titles == NULL && !load_titles (ctx, s, error))
        return -1;
      by_title = g_hash_table_lookup (s->titles, name);
      if (by_title == NULL && (dash = g_strrstr (name, " - ")))
        {
          g_autofree char *base = g_strndup (name, dash - name);
          by_title = g_hash_table_lookup (s->titles, base);
        }
    }
  if (by_title)
    {
      g_hash_table_insert (ctx->products, g_strdup (key), g_memdup2 (by_title, sizeof *by_title));
      return *by_title;
    }
  sd_import_count (ctx, "products-made-from-line-items");
  return sd_import_product_ref (ctx, key, name, error);
}

static gboolean
row (SdImportContext  *ctx,
     GError          **error)
{
  State *s = ctx->state;
  const char *name = sd_import_field (ctx, s->name);
  const char *item_name = sd_import_field_or_null (ctx, s->item_name);
  const char *sku = sd_import_field_or_null (ctx, s->item_sku);
  gint64 quantity, price, product_id;
  SdImportOrder *order;
  Order *info;

  if (*name == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->name]);
  if (item_name == NULL && sku == NULL)
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->item_name]);
  if (!sd_import_get_int (ctx, s->quantity, TRUE, &quantity) ||
      !sd_import_get_cents (ctx, s->item_price, TRUE, &price))
    return TRUE;

  info = g_hash_table_lookup (s->orders, name);
  if (info == NULL)
    {
      const char *email = sd_import_field_or_null (ctx, s->email);
      const char *status = order_status (ctx, s);
      const char *country = sd_import_field_or_null (ctx, s->billing_country);
      gint64 at, charged = -1, discount = 0, shipping = 0, taxes = 0;

      if (*sd_import_field (ctx, s->created) == '\0')
        return sd_import_reject (ctx, _("a later line of order %s without its first line (the one with %s)"),
                                 name, ctx->header[s->created]);
      if (!sd_import_get_time (ctx, s->created, TRUE, &at))
        return TRUE;

      if (!sd_import_get_cents (ctx, s->total, FALSE, &charged) ||
          !sd_import_get_cents (ctx, s->discount, FALSE, &discount) ||
          !sd_import_get_cents (ctx, s->shipping, FALSE, &shipping) ||
          !sd_import_get_cents (ctx, s->taxes, FALSE, &taxes))
        return TRUE;
      if (country == NULL && (country = sd_import_field_or_null (ctx, s->shipping_country)))
        sd_import_count (ctx, "countries-from-shipping");

      info = g_new0 (Order, 1);
      info->at = at;
      info->purchase = g_str_equal (status, "paid") || g_str_equal (status, "shipped");
      if (g_str_equal (status, "cancelled"))
        sd_import_count (ctx, "cancellations");
      else if (g_str_equal (status, "pending"))
        sd_import_count (ctx, "orders-not-paid");
      if (email)
        {
          /* E-mail is the key, so it is hashed as the identity itself when asked. */
          g_autofree char *lower = g_ascii_strdown (email, -1);
          g_autofree char *key = sd_import_identity (ctx, lower);
          info->customer_id = sd_import_customer (ctx, key, sd_import_field_or_null (ctx, s->billing_name),
                                                  lower, country, error);
          if (info->customer_id < 0)
            {
              g_free (info);
              return FALSE;
            }
        }
      else
        sd_import_count (ctx, "orders-without-customer");
      g_hash_table_insert (s->orders, g_strdup (name), info);

      order = sd_import_order (ctx, name, info->customer_id, at, status,
                               sd_import_field_or_null (ctx, s->currency), country, error);
      if (order && charged >= 0)
        sd_import_order_set_charges (order, charged, discount, shipping, taxes);
      /* The coupon's actual use, for the Coupons page's predicted-against-actual. */
      if (order && sd_import_field_or_null (ctx, s->discount_code) &&
          !sd_import_coupon_use (ctx, order, sd_import_field (ctx, s->discount_code), discount, error))
        return FALSE;
    }
  else
    {
      sd_import_count (ctx, "continuation-rows");
      order = sd_import_order_lookup (ctx, name);
    }
  if (order == NULL)
    return FALSE;

  if ((product_id = line_item_product (ctx, s, sku, item_name, error)) < 0 ||
      !sd_import_order_line (ctx, order, product_id, quantity, price, error))
    return FALSE;
  if (info->customer_id > 0 && info->purchase && quantity > 0)
    return sd_import_event (ctx, info->customer_id, product_id, SD_EVENT_PURCHASE, info->at,
                            quantity, 0, NULL, error);
  return TRUE;
}

const SdImportFormatInfo sd_import_shopify_orders = {
  .format = SD_IMPORT_SHOPIFY_ORDERS,
  .name = "shopify-orders",
  .label = N_("Shopify orders"),
  .match = match,
  .begin = begin,
  .row = row,
  .state_new = state_new,
  .state_free = state_free,
  .has_header = TRUE,
  .required = required,
};
