/* sd-shop-summary.h — the shop at a glance: what the Overview and `shopdesk-cli stats` show */
#pragma once

#include <gio/gio.h>

#include "sd-chart-time.h"
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

/* Which orders the figures count, by the day they were placed (UTC). The relative ranges
 * end with the day of the shop's newest counted order, not today: a shop's export is
 * usually older than today. */
typedef enum {
  SD_RANGE_ALL,
  SD_RANGE_LAST_30_DAYS,
  SD_RANGE_LAST_90_DAYS,
  SD_RANGE_LAST_12_MONTHS,
  SD_RANGE_CUSTOM,
} SdRangeKind;

typedef struct {
  SdRangeKind kind;
  /* SD_RANGE_CUSTOM only: [from, to) in unix seconds, from the start of the first day to
   * the start of the day after the last; G_MININT64 / G_MAXINT64 leave an end open. */
  gint64      from;
  gint64      to;
} SdRange;

/* "all", "last-30-days", "last-90-days", "last-12-months", "custom". */
const char *sd_range_kind_to_string (SdRangeKind kind);
/* A range as it is kept in settings: a kind's name, or a custom range's first and last
 * day as "2011-11-01..2011-11-30". */
char       *sd_range_to_string      (const SdRange *range);
/* The other way; FALSE (and @range untouched) when @text is none of those or its last day
 * comes before its first. */
gboolean    sd_range_from_string    (const char    *text,
                                     SdRange       *range);

/* The business figures of sd-figures.h over the orders of a period, in one currency. */
typedef struct {
  gint64 revenue_cents;        /* net merchandise sales */
  gint64 orders_counted;       /* sales with a merchandise line */
  gint64 average_order_cents;  /* revenue / orders counted, to the cent; 0 without any */
  gint64 units;                /* units of the lines revenue sums */
  gint64 customers_active;     /* customers with an order counted in the period */
} SdFigures;

/* One currency's figures: amounts are never converted or summed across currencies. */
typedef struct {
  char      *currency;   /* upper-case ISO code; orders naming none are in the shop's */
  SdFigures  now;        /* the chosen range */
  SdFigures  before;     /* the period of the same length just before it; zeros without one */
} SdCurrencyFigures;

/* One bar of the chart over time: a day, a week or a month, in the shop's currency. */
typedef struct {
  gint64 start;          /* unix seconds: the bucket's first moment */
  gint64 revenue_cents;
  gint64 orders_counted;
} SdShopBucket;

typedef struct {
  /* Customers, products, orders, order lines and events by kind, in the whole shop (its
   * revenue_cents and orders_counted sum every currency: show `currencies` instead). */
  SdStoreStats  counts;
  gint64        countries;            /* distinct countries of customers */
  gint64        categories;           /* distinct categories of products */
  /* The shop's currency (shop.currency, else the one most orders are in); NULL when no
   * order names one. */
  char         *currency;

  /* The range the figures cover, resolved: [from, to), G_MININT64 / G_MAXINT64 when an
   * end is open (All time). */
  SdRangeKind   range_kind;
  gint64        from, to;
  /* The period of the same length just before it; FALSE for All time or an open end. */
  gboolean      has_previous;
  gint64        previous_from, previous_to;
  /* The first and the newest order counted in the whole shop (any currency); 0 without. */
  gint64        first_order_at, newest_order_at;
  /* The days shown: [from, to), an open end at the day of the first or the newest counted
   * order. */
  gint64        shown_from, shown_to;

  /* SdCurrencyFigures in the range: the shop's currency first (always there when the shop
   * has one), then the others that sold in the range or the one before, by revenue. */
  GPtrArray    *currencies;
  /* SdShopBucket: every bucket from shown_from to shown_to, in the shop's currency. */
  SdTimeBucket  bucket;
  GArray       *series;

  /* SdTopProduct: at most top_n products that earned more than nothing / sold more than
   * none in the range and the shop's currency, best first, ties by product id. Empty
   * (never NULL) when top_n is 0. */
  GPtrArray    *top_by_revenue;
  GPtrArray    *top_by_units;
  /* SdImportRecord: the n_imports latest imports, newest first. */
  GPtrArray    *recent_imports;
} SdShopSummary;

/* Counts the shop in @store over All time: sd_shop_summary_load_range() with that range. */
SdShopSummary *sd_shop_summary_load     (SdStore              *store,
                                         guint                 top_n,
                                         guint                 n_imports,
                                         GCancellable         *cancellable,
                                         GError              **error);
/* Counts the shop in @store, its figures over @range (NULL: All time) compared with the
 * period before. The top lists take a pass over the range's order lines: @top_n 0 skips
 * it. Any thread, on that thread's own @store; @cancellable is checked between the steps.
 * A custom range that ends before it starts is SD_ERROR_INVALID_INPUT. */
SdShopSummary *sd_shop_summary_load_range (SdStore            *store,
                                           const SdRange      *range,
                                           guint               top_n,
                                           guint               n_imports,
                                           GCancellable       *cancellable,
                                           GError            **error);
/* Where the figures are read from: the summary tables (sd-summary.h), or the base tables
 * counted whole, which `stats --verify` compares them with. */
typedef enum {
  SD_SUMMARY_SOURCE_SUMMARIES,
  SD_SUMMARY_SOURCE_BASE,
} SdSummarySource;

/* sd_shop_summary_load_range() from @source. The summaries answer only for ranges of
 * whole UTC days, and must be built (sd_summary_ensure); the base tables always can. */
SdShopSummary *sd_shop_summary_load_from  (SdStore            *store,
                                           const SdRange      *range,
                                           guint               top_n,
                                           guint               n_imports,
                                           SdSummarySource     source,
                                           GCancellable       *cancellable,
                                           GError            **error);

/* Compares the figures the summaries give with those of the base tables, over All time
 * and each relative range, with @top_n products: one line per difference ("range
 * last-30-days: GBP revenue 1234 in the summaries, 1250 counted"), none when they agree.
 * The summaries are built first if they are not. */
GPtrArray     *sd_shop_summary_verify     (SdStore            *store,
                                           guint               top_n,
                                           GCancellable       *cancellable,
                                           GError            **error);

/* The figures in the shop's currency (the first of `currencies`); zeros without any. */
const SdCurrencyFigures *sd_shop_summary_main (const SdShopSummary *summary);
void           sd_shop_summary_free     (SdShopSummary        *summary);
/* No customers, products, orders or events: nothing to show but an invitation to import. */
gboolean       sd_shop_summary_is_empty (const SdShopSummary  *summary);

/* The currency the shop's money is shown in (an ISO code such as "GBP"): the shop's
 * shop.currency setting, which imports record from the orders; NULL when there is none.
 * A key lookup, fine on the main thread. */
char          *sd_shop_currency         (SdStore              *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdShopSummary, sd_shop_summary_free)

G_END_DECLS
