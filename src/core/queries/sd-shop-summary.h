/* sd-shop-summary.h — the shop at a glance: what the Overview and `shopdesk-cli stats` show */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* A product of a top list, with both of its sums over sales (sd-figures.h). */
typedef struct {
  gint64  product_id;
  char   *external_id;
  char   *title;           /* in the chosen language (sd-product-text.h) */
  char   *category;        /* NULL when it has none */
  gint64  revenue_cents;
  gint64  units;
} SdTopProduct;

/* One finished import, from the imports table. */
typedef struct {
  char   *file;            /* the path it was imported from */
  char   *format;          /* an SdImportFormat name (sd_import_format_from_string) */
  gint64  finished_at;     /* unix seconds */
  gint64  rows_imported;
  gint64  rows_rejected;
} SdImportRecord;

typedef struct {
  /* Customers, products, orders, order lines, events by kind and revenue. */
  SdStoreStats  counts;
  gint64        countries;            /* distinct countries of customers */
  gint64        categories;           /* distinct categories of products */
  /* Revenue over the orders counted (sd-figures.h); 0 without any. */
  gint64        average_order_cents;
  /* The currency most orders are in; NULL when no order names one. */
  char         *currency;
  /* SdTopProduct: at most top_n products that earned more than nothing / sold more than
   * none, best first, ties by product id. Empty (never NULL) when top_n is 0. */
  GPtrArray    *top_by_revenue;
  GPtrArray    *top_by_units;
  /* SdImportRecord: the n_imports latest imports, newest first. */
  GPtrArray    *recent_imports;
} SdShopSummary;

/* Counts the shop in @store. The top lists take a pass over every order line: @top_n 0
 * skips it. Any thread, on that thread's own @store; @cancellable is checked between
 * the steps. */
SdShopSummary *sd_shop_summary_load     (SdStore              *store,
                                         guint                 top_n,
                                         guint                 n_imports,
                                         GCancellable         *cancellable,
                                         GError              **error);
void           sd_shop_summary_free     (SdShopSummary        *summary);
/* No customers, products, orders or events: nothing to show but an invitation to import. */
gboolean       sd_shop_summary_is_empty (const SdShopSummary  *summary);

/* The currency the shop's money is shown in (an ISO code such as "GBP"): the shop's
 * shop.currency setting, which imports record from the orders; NULL when there is none.
 * A key lookup, fine on the main thread. */
char          *sd_shop_currency         (SdStore              *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdShopSummary, sd_shop_summary_free)

G_END_DECLS
