/* sd-table-query.h — browsing one shop table: its columns, a row order, rows by rowid
 *
 * The Data page shows the five shop tables through a fixed whitelist kept here: which
 * tables, which columns (and the SQL expression each one reads), which of them sort and
 * which are searched. Every query is assembled only from that list; what a person types
 * reaches SQLite only as a bound LIKE pattern, and a sort column outside the list falls
 * back to the natural order.
 *
 * Two questions: the row order (which rowids, in display order, for a sort and a search),
 * which scans the table and so belongs in a worker with its own connection; and the rows
 * at some rowids, a primary-key lookup each, cheap enough for the main thread.
 */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_TABLE_CUSTOMERS,
  SD_TABLE_PRODUCTS,
  SD_TABLE_ORDERS,
  SD_TABLE_ORDER_LINES,
  SD_TABLE_EVENTS,
  SD_N_TABLES
} SdTable;

typedef enum {
  SD_COLUMN_TEXT,
  SD_COLUMN_INTEGER,
  SD_COLUMN_MONEY,        /* cents */
  SD_COLUMN_TIME,         /* unix seconds */
  SD_COLUMN_EVENT_KIND,   /* SdEventKind */
  SD_COLUMN_RATING,       /* 1 to 5 stars */
  SD_COLUMN_PRODUCT_KIND, /* an SdProductKind name: merchandise, shipping, … */
  SD_COLUMN_ORDER_STATUS, /* orders.status: paid, shipped, … */
  SD_COLUMN_SEGMENT,      /* customers.segment, as the shop names it */
  SD_COLUMN_COUNTRY,      /* a country as the shop stores it */
  SD_COLUMN_CURRENCY,     /* a currency code, GBP */
} SdColumnKind;

/* Whether a column of @kind is stored as text (the others are numbers). Sorting and
 * searching work on what is stored; the Data page shows the text kinds other than
 * SD_COLUMN_TEXT as a person reads them. */
gboolean      sd_column_kind_is_text         (SdColumnKind kind);

/* The whitelist. Titles are translated. */
const char   *sd_table_get_name              (SdTable  table);
const char   *sd_table_get_title             (SdTable  table);
guint         sd_table_get_n_columns         (SdTable  table);
const char   *sd_table_get_column_title      (SdTable  table,
                                              guint    column);
SdColumnKind  sd_table_get_column_kind       (SdTable  table,
                                              guint    column);
gboolean      sd_table_get_column_sortable   (SdTable  table,
                                              guint    column);
/* Whether a search looks into the column: into its stored text, and into what it shows
 * (a time, only that) with sd_table_query_order_shown(). */
gboolean      sd_table_get_column_searchable (SdTable  table,
                                              guint    column);
/* Whether the column reads best wide (titles, names) rather than fitted to its text. */
gboolean      sd_table_get_column_expands    (SdTable  table,
                                              guint    column);

/* The rows in display order. In a table's natural order with no gaps in its rowids (the
 * usual case: rows are only ever added), position i is simply rowid first + i and no list
 * is kept: a 20-million-row table costs one count(*) and no memory. */
typedef struct {
  GArray *rowids;   /* gint64, in display order; NULL for the dense range */
  gint64  first;    /* the dense range's first rowid */
  guint   n;
} SdTableOrder;

SdTableOrder *sd_table_order_new_range       (gint64         first,
                                              guint          n);
/* Takes @rowids (gint64). */
SdTableOrder *sd_table_order_new_list        (GArray        *rowids);
void          sd_table_order_free            (SdTableOrder  *order);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTableOrder, sd_table_order_free)

static inline gint64
sd_table_order_get (const SdTableOrder *order,
                    guint               position)
{
  return order->rowids ? g_array_index (order->rowids, gint64, position)
                       : order->first + position;
}

/* The order of @table's rows: by column @sort_column (-1, or a column that does not sort,
 * for the natural order by rowid; ties by rowid in the same direction), keeping only rows
 * whose searchable columns contain @search (NULL or "" for all; matched literally,
 * case-insensitive for ASCII). Scans: call it in a worker, on the worker's own store.
 * Checks @cancellable every 65,536 rows. */
SdTableOrder *sd_table_query_order           (SdStore       *store,
                                              SdTable        table,
                                              int            sort_column,
                                              gboolean       descending,
                                              const char    *search,
                                              GCancellable  *cancellable,
                                              GError       **error);

/* How a value of a column of @kind is shown to people (a newly allocated string, or NULL
 * for nothing); called from the worker that computes the order. */
typedef struct _SdTableValue SdTableValue;
typedef char *(*SdTableShowFunc) (SdColumnKind        kind,
                                  const SdTableValue *value,
                                  gpointer            user_data);

/* The same, with the search also matching what @show shows (case-folded): a country as
 * 英国 as well as its stored "United Kingdom", a status as Shipped, a kind as Purchase, a
 * time as its date ("1 Dec 2010", "Dec 2010", "1 Dec 2010 08:26"). A stored code's shown
 * name is worked out once per distinct value; times day by day over the column's range (its
 * first and last time are read only when the search could be part of a date). */
SdTableOrder *sd_table_query_order_shown     (SdStore         *store,
                                              SdTable          table,
                                              int              sort_column,
                                              gboolean         descending,
                                              const char      *search,
                                              SdTableShowFunc  show,
                                              gpointer         show_data,
                                              GCancellable    *cancellable,
                                              GError         **error);

/* Which of @table's columns hold a value in at least one row: bit i of *@filled for
 * column i. NULL and empty text are no value, nor 0 in a column where every row's 0 means
 * the shop's data has none (Stock of an order export). The Data page hides the others (no
 * Name, E-mail, Segment or Since for Online Retail's customers). Scans an empty column:
 * call it in a worker, on the worker's own store. */
gboolean      sd_table_query_filled_columns  (SdStore       *store,
                                              SdTable        table,
                                              guint64       *filled,
                                              GCancellable  *cancellable,
                                              GError       **error);

/* One value of a row, as stored: text for the text kinds, a number for every other kind. */
struct _SdTableValue {
  gboolean  is_null;
  gint64    number;
  char     *text;
};

typedef struct {
  gint64        rowid;
  gboolean      found;      /* FALSE for a row deleted since the order was computed */
  guint         n_values;   /* the table's columns; all NULL when not found */
  SdTableValue *values;
} SdTableRecord;

void          sd_table_record_free           (SdTableRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTableRecord, sd_table_record_free)

/* @table's rows at @rowids, in that order (SdTableRecord *): one primary-key lookup each.
 * Product titles come in the language sd_product_text_lang() names. */
GPtrArray    *sd_table_query_rows            (SdStore       *store,
                                              SdTable        table,
                                              const gint64  *rowids,
                                              guint          n_rowids,
                                              GError       **error);

G_END_DECLS
