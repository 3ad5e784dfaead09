/* sd-sync-woocommerce.c — WooCommerce's tables as the sync's canonical streams
 *
 * Products and variations are posts (a variation is a product of its own, with its parent's
 * category); their key is the SKU, else woo-<ID>, as the WooCommerce CSV importer keys them,
 * so a shop first imported from CSV and then synced keeps its products. Orders are read
 * from the HPOS tables (wc_orders, wc_order_addresses) and from legacy shop_order posts
 * not in them, their lines from wc_order_product_lookup (which WooCommerce fills for
 * both); a refund is an order of its own with negative lines, status refunded. Customers
 * are keyed by e-mail in lower case, as the Shopify importers key them. Reviews are
 * approved comments of type review. Every time is read as UTC (the session's zone).
 */
#include "config.h"

#include <string.h>

#include "sd-sync-woocommerce.h"

static const char *const product_tables[] = { "posts", "postmeta", "wc_product_meta_lookup", "terms",
                                              "term_taxonomy", "term_relationships", NULL };
static const char *const customer_tables[] = { "wc_customer_lookup", NULL };
static const char *const order_tables[] = { "posts", "postmeta", "wc_order_product_lookup", "wc_product_meta_lookup", NULL };
static const char *const event_tables[] = { "comments", "commentmeta", "wc_product_meta_lookup", NULL };
static const char *const coupon_tables[] = { "wc_order_coupon_lookup", "posts", NULL };

const char *const *
sd_sync_woo_tables (SdSyncStream stream)
{
  switch (stream)
    {
    case SD_SYNC_STREAM_PRODUCTS: return product_tables;
    case SD_SYNC_STREAM_CUSTOMERS: return customer_tables;
    case SD_SYNC_STREAM_ORDERS: return order_tables;
    case SD_SYNC_STREAM_EVENTS: return event_tables;
    case SD_SYNC_STREAM_COUPONS: return coupon_tables;
    case SD_SYNC_N_STREAMS:
    default: return NULL;
    }
}

/* Replaces every “{p}” in @sql with the table prefix. */
static GString *
with_prefix (const char *sql,
             const char *prefix)
{
  GString *out = g_string_new (sql);

  g_string_replace (out, "{p}", prefix, 0);
  return out;
}

/* The product key of a post id expression, as products are keyed. */
#define PRODUCT_KEY(lookup, id) "COALESCE(NULLIF(" lookup ".sku, ''), CONCAT('woo-', " id "))"
/* Customers: e-mail in lower case, else the WordPress user, else the lookup row. */
#define CUSTOMER_KEY(email, user) \
  "COALESCE(NULLIF(LOWER(TRIM(" email ")), ''), IF(" user " > 0, CONCAT('woo-user-', " user "), NULL))"
#define TS(column) "CAST(NULLIF(UNIX_TIMESTAMP(" column "), 0) AS CHAR)"

static const char products_sql[] =
  "SELECT " PRODUCT_KEY ("l", "p.ID") " AS product_id,"
  " p.post_title AS title, p.post_content AS description,"
  " (SELECT t.name FROM `{p}term_relationships` tr"
  "   JOIN `{p}term_taxonomy` tt ON tt.term_taxonomy_id = tr.term_taxonomy_id AND tt.taxonomy = 'product_cat'"
  "   JOIN `{p}terms` t ON t.term_id = tt.term_id"
  "   WHERE tr.object_id = IF(p.post_parent > 0, p.post_parent, p.ID)"
  "   ORDER BY tt.parent = 0, t.term_id LIMIT 1) AS category,"
  " (SELECT GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR ',') FROM `{p}term_relationships` tr"
  "   JOIN `{p}term_taxonomy` tt ON tt.term_taxonomy_id = tr.term_taxonomy_id AND tt.taxonomy = 'product_tag'"
  "   JOIN `{p}terms` t ON t.term_id = tt.term_id"
  "   WHERE tr.object_id = IF(p.post_parent > 0, p.post_parent, p.ID)) AS tags,"
  " CAST(COALESCE((SELECT NULLIF(m.meta_value, '') FROM `{p}postmeta` m"
  "   WHERE m.post_id = p.ID AND m.meta_key = '_regular_price' LIMIT 1), l.min_price) AS CHAR) AS price,"
  " CAST(l.stock_quantity AS CHAR) AS stock,"
  " " TS ("p.post_date_gmt") " AS created_at,"
  " CASE p.post_status WHEN 'publish' THEN 'active' WHEN 'private' THEN 'private'"
  "   WHEN 'trash' THEN 'deleted' ELSE 'draft' END AS status,"
  " " TS ("p.post_modified_gmt") " AS updated_at,"
  " IF(p.post_status = 'trash', " TS ("p.post_modified_gmt") ", NULL) AS deleted_at"
  " FROM `{p}posts` p LEFT JOIN `{p}wc_product_meta_lookup` l ON l.product_id = p.ID"
  " WHERE p.post_type IN ('product', 'product_variation') AND p.post_status <> 'auto-draft'";

static const char customers_sql[] =
  "SELECT COALESCE(NULLIF(LOWER(TRIM(c.email)), ''), IF(c.user_id > 0, CONCAT('woo-user-', c.user_id),"
  "   CONCAT('woo-customer-', c.customer_id))) AS customer_id,"
  " NULLIF(TRIM(CONCAT_WS(' ', c.first_name, c.last_name)), '') AS name,"
  " c.email AS email, NULLIF(c.country, '') AS country, NULL AS segment,"
  " " TS ("c.date_registered") " AS created_at,"
  " " TS ("COALESCE(c.date_last_active, c.date_registered)") " AS updated_at,"
  " NULL AS deleted_at"
  " FROM `{p}wc_customer_lookup` c";

/* The columns of a line of the order @o (its parent @par for refunds). */
#define STATUS_CASE(column) \
  "CASE " column " WHEN 'wc-processing' THEN 'paid' WHEN 'wc-completed' THEN 'delivered'" \
  " WHEN 'wc-on-hold' THEN 'pending' WHEN 'wc-pending' THEN 'pending' WHEN 'wc-checkout-draft' THEN 'pending'" \
  " WHEN 'wc-cancelled' THEN 'cancelled' WHEN 'wc-failed' THEN 'cancelled'" \
  " WHEN 'wc-refunded' THEN 'refunded' ELSE 'paid' END"

static const char hpos_orders_sql[] =
  "SELECT CAST(o.id AS CHAR) AS order_id, CAST(opl.order_item_id AS CHAR) AS line_no,"
  " " TS ("o.date_created_gmt") " AS placed_at,"
  " " PRODUCT_KEY ("pl", "IF(opl.variation_id > 0, opl.variation_id, opl.product_id)") " AS product_id,"
  " CAST(opl.product_qty AS CHAR) AS quantity,"
  " CAST(ROUND(opl.product_net_revenue / NULLIF(opl.product_qty, 0), 2) AS CHAR) AS unit_price,"
  " " CUSTOMER_KEY ("COALESCE(NULLIF(o.billing_email, ''), par.billing_email)", "COALESCE(NULLIF(o.customer_id, 0), par.customer_id)") " AS customer_id,"
  " IF(o.type = 'shop_order_refund', 'refunded', " STATUS_CASE ("o.status") ") AS status,"
  " o.currency AS currency,"
  " (SELECT NULLIF(a.country, '') FROM `{p}wc_order_addresses` a WHERE a.order_id = IF(o.parent_order_id > 0, o.parent_order_id, o.id)"
  "   AND a.address_type = 'billing' LIMIT 1) AS country,"
  " " TS ("o.date_updated_gmt") " AS updated_at,"
  " IF(o.status = 'trash', " TS ("o.date_updated_gmt") ", NULL) AS deleted_at"
  " FROM `{p}wc_orders` o JOIN `{p}wc_order_product_lookup` opl ON opl.order_id = o.id"
  " LEFT JOIN `{p}wc_product_meta_lookup` pl ON pl.product_id = IF(opl.variation_id > 0, opl.variation_id, opl.product_id)"
  " LEFT JOIN `{p}wc_orders` par ON par.id = o.parent_order_id"
  " WHERE o.type IN ('shop_order', 'shop_order_refund')";

#define META(post, key) "(SELECT NULLIF(m.meta_value, '') FROM `{p}postmeta` m WHERE m.post_id = " post " AND m.meta_key = '" key "' LIMIT 1)"

static const char legacy_orders_sql[] =
  "SELECT CAST(p.ID AS CHAR) AS order_id, CAST(opl.order_item_id AS CHAR) AS line_no,"
  " " TS ("p.post_date_gmt") " AS placed_at,"
  " " PRODUCT_KEY ("pl", "IF(opl.variation_id > 0, opl.variation_id, opl.product_id)") " AS product_id,"
  " CAST(opl.product_qty AS CHAR) AS quantity,"
  " CAST(ROUND(opl.product_net_revenue / NULLIF(opl.product_qty, 0), 2) AS CHAR) AS unit_price,"
  " " CUSTOMER_KEY (META ("IF(p.post_parent > 0, p.post_parent, p.ID)", "_billing_email"),
                    "CAST(" META ("IF(p.post_parent > 0, p.post_parent, p.ID)", "_customer_user") " AS INTEGER)") " AS customer_id,"
  " IF(p.post_type = 'shop_order_refund', 'refunded', " STATUS_CASE ("p.post_status") ") AS status,"
  " " META ("p.ID", "_order_currency") " AS currency,"
  " " META ("IF(p.post_parent > 0, p.post_parent, p.ID)", "_billing_country") " AS country,"
  " " TS ("p.post_modified_gmt") " AS updated_at,"
  " IF(p.post_status = 'trash', " TS ("p.post_modified_gmt") ", NULL) AS deleted_at"
  " FROM `{p}posts` p JOIN `{p}wc_order_product_lookup` opl ON opl.order_id = p.ID"
  " LEFT JOIN `{p}wc_product_meta_lookup` pl ON pl.product_id = IF(opl.variation_id > 0, opl.variation_id, opl.product_id)"
  " WHERE p.post_type IN ('shop_order', 'shop_order_refund')";

static const char events_sql[] =
  "SELECT CAST(c.comment_ID AS CHAR) AS event_id,"
  " " CUSTOMER_KEY ("c.comment_author_email", "c.user_id") " AS customer_id,"
  " " PRODUCT_KEY ("l", "c.comment_post_ID") " AS product_id,"
  " 'review' AS kind, " TS ("c.comment_date_gmt") " AS at, NULL AS quantity,"
  " (SELECT NULLIF(NULLIF(m.meta_value, ''), '0') FROM `{p}commentmeta` m WHERE m.comment_id = c.comment_ID"
  "   AND m.meta_key = 'rating' LIMIT 1) AS rating,"
  " c.comment_content AS review_text,"
  " " TS ("c.comment_date_gmt") " AS updated_at,"
  " IF(c.comment_approved <> '1', " TS ("c.comment_date_gmt") ", NULL) AS deleted_at"
  " FROM `{p}comments` c LEFT JOIN `{p}wc_product_meta_lookup` l ON l.product_id = c.comment_post_ID"
  " WHERE c.comment_type = 'review'";

static const char coupons_sql[] =
  "SELECT CAST(cl.order_id AS CHAR) AS order_id,"
  " COALESCE(LOWER(cp.post_title), CONCAT('coupon-', cl.coupon_id)) AS code,"
  " CAST(cl.discount_amount AS CHAR) AS discount,"
  " " TS ("cl.date_created") " AS updated_at, NULL AS deleted_at"
  " FROM `{p}wc_order_coupon_lookup` cl LEFT JOIN `{p}posts` cp ON cp.ID = cl.coupon_id";

/* The column each query filters the watermark on (NULL: always read whole). */
static void
append_since (GString    *sql,
              const char *column,
              guint      *n_params)
{
  g_string_append_printf (sql, " AND (%s >= FROM_UNIXTIME(?) OR %s IS NULL)", column, column);
  (*n_params) += 1;
}

char *
sd_sync_woo_select (const char   *prefix,
                    SdSyncStream  stream,
                    gboolean      hpos,
                    gboolean      with_since,
                    guint        *n_params)
{
  GString *sql;

  *n_params = 0;
  switch (stream)
    {
    case SD_SYNC_STREAM_PRODUCTS:
      sql = with_prefix (products_sql, prefix);
      if (with_since)
        append_since (sql, "p.post_modified_gmt", n_params);
      break;
    case SD_SYNC_STREAM_CUSTOMERS:
      sql = with_prefix (customers_sql, prefix);
      g_string_append (sql, " WHERE TRUE");
      if (with_since)
        append_since (sql, "COALESCE(c.date_last_active, c.date_registered)", n_params);
      break;
    case SD_SYNC_STREAM_ORDERS:
      sql = with_prefix (legacy_orders_sql, prefix);
      if (hpos)
        {
          /* Compatibility mode keeps both copies of an order: HPOS's wins. */
          g_string_append (sql, " AND NOT EXISTS (SELECT 1 FROM `{p}wc_orders` h WHERE h.id = p.ID)");
          g_string_replace (sql, "{p}", prefix, 0);
        }
      if (with_since)
        append_since (sql, "p.post_modified_gmt", n_params);
      if (hpos)
        {
          g_autoptr(GString) h = with_prefix (hpos_orders_sql, prefix);

          if (with_since)
            append_since (h, "o.date_updated_gmt", n_params);
          g_string_append_printf (sql, " UNION ALL %s", h->str);
        }
      break;
    case SD_SYNC_STREAM_EVENTS:
      sql = with_prefix (events_sql, prefix);
      if (with_since)
        append_since (sql, "c.comment_date_gmt", n_params);
      break;
    case SD_SYNC_STREAM_COUPONS:
      sql = with_prefix (coupons_sql, prefix);
      g_string_append (sql, " WHERE TRUE");
      if (with_since)
        append_since (sql, "cl.date_created", n_params);
      break;
    case SD_SYNC_N_STREAMS:
    default:
      g_return_val_if_reached (NULL);
    }
  return g_string_free (sql, FALSE);
}
