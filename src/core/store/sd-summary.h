/* sd-summary.h — summary tables: the shop's figures kept up to date as it changes
 *
 * Counting a large shop's tables takes seconds; the Overview and `shopdesk-cli stats`
 * answer from small tables instead, which every change keeps right inside its own
 * transaction. Triggers on customers, products, orders, order lines and events keep the
 * counts (rows, events by kind, customers by country and segment, orders by currency) and
 * note which orders and days changed; sd_store_commit() then recomputes those days' figures
 * (sd_summary_refresh) from the base tables with the definitions of sd-figures.h, so a
 * change and its figures are committed together or not at all.
 *
 * The tables, keyed by the UTC day (unix seconds of its first moment) and the currency an
 * order is in (its own code trimmed and in upper case, "" when it names none):
 *   summary_days          orders with lines, orders counted, revenue, units, first and
 *                         newest counted order
 *   summary_product_days  revenue and units of each merchandise product
 *   summary_customer_days the customers with an order counted that day
 *   summary_products      summary_product_days over all days
 *   summary_active        per customer, the days they have in summary_customer_days
 *
 * A shop migrated to them starts unbuilt: the first sd_summary_ensure() (a job, or the
 * CLI) builds them; until then the figures come from the base tables. */
#pragma once

#include "sd-store.h"

G_BEGIN_DECLS

/* The UTC day of unix seconds @t, as SQL (floors negative times too). */
#define SD_SQL_DAY(t) "((" t ") - (((" t ") % 86400) + 86400) % 86400)"

/* The triggers that fire on every row of a large import, shared by the migration that
 * makes them and sd_summary_bulk_end(), which makes them again. */
#define SD_SUMMARY_TRIGGER_ORDERS_INSERT \
  "CREATE TRIGGER IF NOT EXISTS summary_orders_insert AFTER INSERT ON orders BEGIN" \
  "  UPDATE summary_counts SET n = n + 1 WHERE what = 2;" \
  "  UPDATE summary_order_currencies SET n = n + 1 WHERE currency = NEW.currency;" \
  "  INSERT INTO summary_order_currencies SELECT NEW.currency, 1 WHERE NEW.currency IS NOT NULL AND changes() = 0;" \
  "  INSERT INTO summary_dirty_orders SELECT NEW.id WHERE NEW.id <= (SELECT orders_upto FROM summary_state)" \
  "   AND NOT EXISTS (SELECT 1 FROM summary_dirty_orders WHERE order_id = NEW.id);" \
  " END;"
#define SD_SUMMARY_TRIGGER_LINES_INSERT \
  "CREATE TRIGGER IF NOT EXISTS summary_lines_insert AFTER INSERT ON order_lines BEGIN" \
  "  UPDATE summary_counts SET n = n + 1 WHERE what = 3;" \
  "  INSERT INTO summary_dirty_orders SELECT NEW.order_id WHERE NEW.order_id <= (SELECT orders_upto FROM summary_state)" \
  "   AND NOT EXISTS (SELECT 1 FROM summary_dirty_orders WHERE order_id = NEW.order_id);" \
  " END;"
#define SD_SUMMARY_TRIGGER_EVENTS_INSERT \
  "CREATE TRIGGER IF NOT EXISTS summary_events_insert AFTER INSERT ON events BEGIN" \
  "  UPDATE summary_counts SET n = n + 1 WHERE what = 10 + NEW.kind;" \
  " END;"

typedef enum {
  SD_SUMMARY_ABSENT,     /* a shop file older than the summaries (read-only) */
  SD_SUMMARY_UNBUILT,    /* migrated, not built yet */
  SD_SUMMARY_PENDING,    /* built, with changes not folded in (made outside a transaction) */
  SD_SUMMARY_READY,
} SdSummaryState;

SdSummaryState sd_summary_state   (SdStore       *store);
/* Whether the figures can be read from the summaries. */
gboolean       sd_summary_usable  (SdStore       *store);

/* Folds the changed orders and days into the summaries. Inside a transaction, which
 * sd_store_commit() does before committing; nothing to do when nothing changed. Until the
 * summaries are built it leaves the changes noted for sd_summary_ensure(). */
gboolean       sd_summary_refresh (SdStore       *store,
                                   GError       **error);

/* Lines the caller has just written and still holds (an import), so the figures of the
 * days they fill are summed from memory instead of reading every line back. @orders are
 * the orders whose lines in the shop are exactly these (none for an order without lines),
 * ascending; @lines are sorted by order. A batch of days with any other order reads its
 * lines from the shop as sd_summary_refresh() does. */
typedef struct {
  gint64 order_id;
  gint64 product_id;         /* 0: none */
  gint64 quantity;
  gint64 unit_price_cents;
} SdSummaryLine;

typedef struct {
  const gint64        *orders;
  gsize                n_orders;
  const SdSummaryLine *lines;
  gsize                n_lines;
} SdSummaryLines;

gboolean       sd_summary_refresh_with_lines (SdStore              *store,
                                              const SdSummaryLines *known,
                                              GError              **error);

/* Builds the summaries, or folds in the changes pending, in a transaction of its own:
 * what a job or the CLI calls before reading them. A read-only shop is left as it is
 * (TRUE: its figures come from the base tables). */
gboolean       sd_summary_ensure  (SdStore       *store,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* The first build (or the pending changes) inside the caller's transaction, reporting
 * the share of days done to @progress (may be NULL). */
gboolean       sd_summary_build   (SdStore             *store,
                                   SdStoreProgressFunc  progress,
                                   gpointer             user_data,
                                   GCancellable        *cancellable,
                                   GError             **error);

/* A bulk load: between begin and end, inside one transaction, rows appended to
 * order_lines and events fire no trigger; end counts them by the rowids above those the
 * tables had at begin and notes the orders they changed, as the triggers would have, and
 * makes the triggers again. Between the two, nothing may delete from order_lines or events
 * (a deleted top row would let a new row take a rowid below the mark) nor give rows
 * explicit ids. A rollback undoes both. */
typedef struct {
  gboolean active;
  gint64   lines_before;
  gint64   events_before;
  gint64   orders_before;
  gboolean lines_empty;     /* order_lines had no row at begin */
  gboolean events_empty;    /* nor events */
  /* Set by the caller before end when every event it added is of this kind: -1 (as begin
   * sets it) when not known */
  int      events_kind;
} SdSummaryBulk;

gboolean       sd_summary_bulk_begin (SdStore       *store,
                                      SdSummaryBulk *bulk,
                                      GError       **error);
gboolean       sd_summary_bulk_end   (SdStore       *store,
                                      SdSummaryBulk *bulk,
                                      GError       **error);

/* The counts of sd_store_get_stats() from the summaries (@from_base FALSE) or by
 * counting the base tables (TRUE, what `stats --verify` compares with). */
gboolean       sd_summary_get_stats (SdStore      *store,
                                     gboolean      from_base,
                                     SdStoreStats *stats,
                                     GError      **error);

/* Distinct countries of customers, from the summary of customers by country and segment. */
gboolean       sd_summary_count_countries (SdStore  *store,
                                           gint64   *countries,
                                           GError  **error);

G_END_DECLS
