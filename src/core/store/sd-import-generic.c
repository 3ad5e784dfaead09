/* sd-import-generic.c — Shopdesk's own CSV per entity: customers, products, orders, events
 *
 * The columns are documented in the README (“Import formats”) and named like the
 * store's own fields. Orders and events may name customers and products that are not
 * in the shop yet: they are made with their id as name, and counted.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-import-private.h"

typedef struct {
  int customer, name, email, country, segment, created;
  int product, title, description, category, tags, price, stock;
  int order, placed, status, currency, quantity, unit_price;
  int kind, at, rating, review;
} State;

static gpointer
state_new (void)
{
  return g_new0 (State, 1);
}

#define COLUMN(ctx, name) sd_import_column ((ctx), (const char *const[]) { (name), NULL })
#define REQUIRE(ctx, name, out, error) \
  sd_import_require ((ctx), (const char *const[]) { (name), NULL }, (out), (error))

/* A customer an order or event names: looked up, and made only when unknown. */
static gint64
customer_ref (SdImportContext  *ctx,
              const char       *file_id,
              GError          **error)
{
  /* An e-mail used as the id is an identity like any other (--hash-identities). */
  g_autofree char *external_id = sd_import_customer_key (ctx, file_id);
  gint64 *known = g_hash_table_lookup (ctx->customers, external_id);
  g_autoptr(SdStmt) find = NULL;
  gint64 id;

  if (known)
    return *known;
  if (!(find = sd_store_prepare (ctx->store, "SELECT id FROM customers WHERE external_id = ?1", error)))
    return -1;
  sqlite3_bind_text (find, 1, external_id, -1, SQLITE_STATIC);
  if (sqlite3_step (find) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (find, 0);
      g_hash_table_insert (ctx->customers, g_strdup (external_id), g_memdup2 (&id, sizeof id));
      return id;
    }
  sd_import_count (ctx, "customers-made-from-references");
  return sd_import_customer (ctx, external_id, NULL, NULL, NULL, error);
}

static gint64
product_ref (SdImportContext  *ctx,
             const char       *external_id,
             GError          **error)
{
  gint64 id = sd_import_product_find (ctx, external_id, error);

  if (id != 0)
    return id;
  sd_import_count (ctx, "products-made-from-references");
  return sd_import_product_ref (ctx, external_id, NULL, error);
}

/* customers */

static const char *const required_customers[] = { "customer_id", NULL };

static int
match_customers (char  **header,
                 guint   n_header)
{
  static const char *const optional[] = { "name", "email", "country", "segment", "created_at", NULL };

  if (sd_import_header_has (header, n_header, "product_id") || sd_import_header_has (header, n_header, "order_id"))
    return 0;
  return sd_import_match_columns (header, n_header, required_customers, optional);
}

static gboolean
begin_customers (SdImportContext  *ctx,
                 GError          **error)
{
  State *s = ctx->state;

  s->name = COLUMN (ctx, "name");
  s->email = COLUMN (ctx, "email");
  s->country = COLUMN (ctx, "country");
  s->segment = COLUMN (ctx, "segment");
  s->created = COLUMN (ctx, "created_at");
  return REQUIRE (ctx, "customer_id", &s->customer, error);
}

static gboolean
row_customers (SdImportContext  *ctx,
               GError          **error)
{
  State *s = ctx->state;
  SdImportCustomer c = { 0 };
  g_autofree char *key = NULL;

  c.external_id = sd_import_field (ctx, s->customer);
  if (*c.external_id == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->customer]);
  c.external_id = key = sd_import_customer_key (ctx, c.external_id);
  if (!sd_import_get_time (ctx, s->created, FALSE, &c.created_at))
    return TRUE;
  c.name = sd_import_field_or_null (ctx, s->name);
  c.email = sd_import_field_or_null (ctx, s->email);
  c.country = sd_import_field_or_null (ctx, s->country);
  c.segment = sd_import_field_or_null (ctx, s->segment);
  return sd_import_customer_full (ctx, &c, error) >= 0;
}

/* products */

static const char *const required_products[] = { "product_id", "title", NULL };

static int
match_products (char  **header,
                guint   n_header)
{
  static const char *const optional[] = { "description", "category", "tags", "price", "stock", "created_at", NULL };

  if (sd_import_header_has (header, n_header, "order_id") || sd_import_header_has (header, n_header, "kind"))
    return 0;
  return sd_import_match_columns (header, n_header, required_products, optional);
}

static gboolean
begin_products (SdImportContext  *ctx,
                GError          **error)
{
  State *s = ctx->state;

  s->description = COLUMN (ctx, "description");
  s->category = COLUMN (ctx, "category");
  s->tags = COLUMN (ctx, "tags");
  s->price = COLUMN (ctx, "price");
  s->stock = COLUMN (ctx, "stock");
  s->created = COLUMN (ctx, "created_at");
  return REQUIRE (ctx, "product_id", &s->product, error) &&
         REQUIRE (ctx, "title", &s->title, error);
}

static gboolean
row_products (SdImportContext  *ctx,
              GError          **error)
{
  State *s = ctx->state;
  g_autofree char *tags = NULL;
  SdImportProduct p = { 0 };

  p.external_id = sd_import_field (ctx, s->product);
  p.title = sd_import_field_or_null (ctx, s->title);
  p.price_cents = -1;
  p.stock = -1;
  if (*p.external_id == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->product]);
  if (p.title == NULL)
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->title]);
  if (!sd_import_get_cents (ctx, s->price, FALSE, &p.price_cents) ||
      !sd_import_get_int (ctx, s->stock, FALSE, &p.stock) ||
      !sd_import_get_time (ctx, s->created, FALSE, &p.created_at))
    return TRUE;
  if (p.price_cents < -1)
    return sd_import_reject (ctx, _("negative price “%s”"), sd_import_field (ctx, s->price));
  tags = sd_import_normalize_tags (sd_import_field_or_null (ctx, s->tags));
  p.description = sd_import_field_or_null (ctx, s->description);
  p.category = sd_import_field_or_null (ctx, s->category);
  p.tags = tags;
  return sd_import_product (ctx, &p, error) > 0;
}

/* orders: one row per order line */

static const char *const required_orders[] = { "order_id", "placed_at", "product_id", "quantity", "unit_price", NULL };

static int
match_orders (char  **header,
              guint   n_header)
{
  static const char *const optional[] = { "customer_id", "status", "currency", "country", NULL };

  return sd_import_match_columns (header, n_header, required_orders, optional);
}

static gboolean
begin_orders (SdImportContext  *ctx,
              GError          **error)
{
  State *s = ctx->state;

  s->customer = COLUMN (ctx, "customer_id");
  s->status = COLUMN (ctx, "status");
  s->currency = COLUMN (ctx, "currency");
  s->country = COLUMN (ctx, "country");
  return REQUIRE (ctx, "order_id", &s->order, error) &&
         REQUIRE (ctx, "placed_at", &s->placed, error) &&
         REQUIRE (ctx, "product_id", &s->product, error) &&
         REQUIRE (ctx, "quantity", &s->quantity, error) &&
         REQUIRE (ctx, "unit_price", &s->unit_price, error);
}

static gboolean
row_orders (SdImportContext  *ctx,
            GError          **error)
{
  State *s = ctx->state;
  const char *order_id = sd_import_field (ctx, s->order);
  const char *product = sd_import_field (ctx, s->product);
  const char *customer = sd_import_field_or_null (ctx, s->customer);
  const char *status = sd_import_field_or_null (ctx, s->status);
  gint64 placed, quantity, price, customer_id = 0, product_id;
  SdImportOrder *order;

  if (*order_id == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->order]);
  if (*product == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->product]);
  if (!sd_import_get_time (ctx, s->placed, TRUE, &placed) ||
      !sd_import_get_int (ctx, s->quantity, TRUE, &quantity) ||
      !sd_import_get_cents (ctx, s->unit_price, TRUE, &price))
    return TRUE;
  if (status && !sd_import_status_is_known (status))
    return sd_import_reject (ctx, _("unknown status “%.40s” (paid, shipped, delivered, cancelled, refunded or pending)"), status);

  if (customer && (customer_id = customer_ref (ctx, customer, error)) < 0)
    return FALSE;
  if ((product_id = product_ref (ctx, product, error)) < 0)
    return FALSE;
  order = sd_import_order (ctx, order_id, customer_id, placed, status,
                           sd_import_field_or_null (ctx, s->currency),
                           sd_import_field_or_null (ctx, s->country), error);
  if (order == NULL || !sd_import_order_line (ctx, order, product_id, quantity, price, error))
    return FALSE;
  /* A pending order is not paid yet: no purchase until it is. */
  if (customer_id > 0 && quantity > 0 &&
      (status == NULL || (!g_str_equal (status, "cancelled") && !g_str_equal (status, "pending"))))
    return sd_import_event (ctx, customer_id, product_id, SD_EVENT_PURCHASE, placed, quantity, 0, NULL, error);
  return TRUE;
}

/* events */

static const char *const required_events[] = { "customer_id", "product_id", "kind", "at", NULL };

static int
match_events (char  **header,
              guint   n_header)
{
  static const char *const optional[] = { "quantity", "rating", "review_text", NULL };

  return sd_import_match_columns (header, n_header, required_events, optional);
}

static gboolean
begin_events (SdImportContext  *ctx,
              GError          **error)
{
  State *s = ctx->state;

  s->quantity = COLUMN (ctx, "quantity");
  s->rating = COLUMN (ctx, "rating");
  s->review = COLUMN (ctx, "review_text");
  return REQUIRE (ctx, "customer_id", &s->customer, error) &&
         REQUIRE (ctx, "product_id", &s->product, error) &&
         REQUIRE (ctx, "kind", &s->kind, error) &&
         REQUIRE (ctx, "at", &s->at, error);
}

static gboolean
row_events (SdImportContext  *ctx,
            GError          **error)
{
  State *s = ctx->state;
  const char *customer = sd_import_field (ctx, s->customer);
  const char *product = sd_import_field (ctx, s->product);
  const char *kind_name = sd_import_field (ctx, s->kind);
  gint64 at, quantity = 1, rating = 0, customer_id, product_id;
  SdEventKind kind;

  if (*customer == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->customer]);
  if (*product == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->product]);
  if (!sd_event_kind_from_string (kind_name, &kind))
    return sd_import_reject (ctx, _("unknown kind “%.40s” (view, cart, purchase or review)"), kind_name);
  if (!sd_import_get_time (ctx, s->at, TRUE, &at) ||
      !sd_import_get_int (ctx, s->quantity, FALSE, &quantity) ||
      !sd_import_get_int (ctx, s->rating, FALSE, &rating))
    return TRUE;
  if (rating != 0 && (rating < 1 || rating > 5))
    return sd_import_reject (ctx, _("rating %lld is not between 1 and 5"), (long long) rating);

  if ((customer_id = customer_ref (ctx, customer, error)) < 0 ||
      (product_id = product_ref (ctx, product, error)) < 0)
    return FALSE;
  return sd_import_event (ctx, customer_id, product_id, kind, at, quantity, rating,
                          sd_import_field_or_null (ctx, s->review), error);
}

const SdImportFormatInfo sd_import_generic_customers = {
  .format = SD_IMPORT_CUSTOMERS,
  .name = "customers",
  .label = N_("Customers (Shopdesk CSV)"),
  .match = match_customers,
  .begin = begin_customers,
  .row = row_customers,
  .state_new = state_new,
  .state_free = g_free,
  .has_header = TRUE,
  .required = required_customers,
};

const SdImportFormatInfo sd_import_generic_products = {
  .format = SD_IMPORT_PRODUCTS,
  .name = "products",
  .label = N_("Products (Shopdesk CSV)"),
  .match = match_products,
  .begin = begin_products,
  .row = row_products,
  .state_new = state_new,
  .state_free = g_free,
  .has_header = TRUE,
  .required = required_products,
};

const SdImportFormatInfo sd_import_generic_orders = {
  .format = SD_IMPORT_ORDERS,
  .name = "orders",
  .label = N_("Orders (Shopdesk CSV)"),
  .match = match_orders,
  .begin = begin_orders,
  .row = row_orders,
  .state_new = state_new,
  .state_free = g_free,
  .has_header = TRUE,
  .required = required_orders,
};

const SdImportFormatInfo sd_import_generic_events = {
  .format = SD_IMPORT_EVENTS,
  .name = "events",
  .label = N_("Events (Shopdesk CSV)"),
  .match = match_events,
  .begin = begin_events,
  .row = row_events,
  .state_new = state_new,
  .state_free = g_free,
  .has_header = TRUE,
  .required = required_events,
};
