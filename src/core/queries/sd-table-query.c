/* sd-table-query.c — browsing one shop table: its columns, a row order, rows by rowid */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-product-text.h"
#include "sd-summary.h"
#include "sd-table-query.h"

typedef struct {
  const char   *title;
  const char   *expr;        /* over the table's FROM clause, base table aliased t */
  SdColumnKind  kind;
  gboolean      sortable;    /* only columns of the base table: the order query has no joins */
  gboolean      searchable;
  gboolean      expands;
  gboolean      zero_is_empty; /* 0 in every row is no value: an export without it */
} ColumnSpec;

typedef struct {
  const char       *name;
  const char       *title;
  const char       *base;    /* FROM without joins: for the order when nothing is searched */
  const char       *from;    /* FROM with the joins the display and search columns need */
  const ColumnSpec *columns;
  guint             n_columns;
} TableSpec;

static const ColumnSpec customer_columns[] = {
  { N_("Customer"), "t.external_id", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Name"), "t.name", SD_COLUMN_TEXT, TRUE, TRUE, TRUE },
  { N_("E-mail"), "t.email", SD_COLUMN_TEXT, TRUE, TRUE, TRUE },
  { N_("Country"), "t.country", SD_COLUMN_COUNTRY, TRUE, TRUE, FALSE },
  { N_("Segment"), "t.segment", SD_COLUMN_SEGMENT, TRUE, TRUE, FALSE },
  { N_("Since"), "t.created_at", SD_COLUMN_TIME, TRUE, TRUE, FALSE },
};

static const ColumnSpec product_columns[] = {
  { N_("Product"), "t.external_id", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Title"), SD_PRODUCT_TITLE ("t"), SD_COLUMN_TEXT, TRUE, TRUE, TRUE },
  { N_("Category"), "t.category", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Tags"), "t.tags", SD_COLUMN_TEXT, FALSE, TRUE, TRUE },
  { N_("Price"), "t.price_cents", SD_COLUMN_MONEY, TRUE, FALSE, FALSE },
  /* Order exports (Online Retail) know no stock: every product is imported at 0. */
  { N_("Stock"), "t.stock", SD_COLUMN_INTEGER, TRUE, FALSE, FALSE, TRUE },
  { N_("Kind"), "coalesce(t.kind, 'merchandise')", SD_COLUMN_PRODUCT_KIND, TRUE, TRUE, FALSE },
};

static const ColumnSpec order_columns[] = {
  { N_("Order"), "t.external_id", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Customer"), "c.external_id", SD_COLUMN_TEXT, FALSE, TRUE, FALSE },
  { N_("Placed"), "t.placed_at", SD_COLUMN_TIME, TRUE, TRUE, FALSE },
  { N_("Status"), "t.status", SD_COLUMN_ORDER_STATUS, TRUE, TRUE, FALSE },
  { N_("Total"), "t.total_cents", SD_COLUMN_MONEY, TRUE, FALSE, FALSE },
  { N_("Currency"), "t.currency", SD_COLUMN_CURRENCY, TRUE, FALSE, FALSE },
  { N_("Country"), "t.country", SD_COLUMN_COUNTRY, TRUE, TRUE, TRUE },
};

static const ColumnSpec order_line_columns[] = {
  { N_("Order"), "o.external_id", SD_COLUMN_TEXT, FALSE, TRUE, FALSE },
  { N_("Line"), "t.line_no", SD_COLUMN_INTEGER, FALSE, FALSE, FALSE },
  { N_("Product"), SD_PRODUCT_TITLE ("p"), SD_COLUMN_TEXT, FALSE, TRUE, TRUE },
  { N_("Quantity"), "t.quantity", SD_COLUMN_INTEGER, TRUE, FALSE, FALSE },
  { N_("Unit price"), "t.unit_price_cents", SD_COLUMN_MONEY, TRUE, FALSE, FALSE },
  { N_("Amount"), "t.quantity * t.unit_price_cents", SD_COLUMN_MONEY, TRUE, FALSE, FALSE },
};

static const ColumnSpec event_columns[] = {
  { N_("When"), "t.at", SD_COLUMN_TIME, TRUE, TRUE, FALSE },
  { N_("Kind"), "t.kind", SD_COLUMN_EVENT_KIND, TRUE, TRUE, FALSE },
  { N_("Customer"), "c.external_id", SD_COLUMN_TEXT, FALSE, TRUE, FALSE },
  { N_("Product"), SD_PRODUCT_TITLE ("p"), SD_COLUMN_TEXT, FALSE, TRUE, TRUE },
  { N_("Quantity"), "t.quantity", SD_COLUMN_INTEGER, TRUE, FALSE, FALSE },
  { N_("Rating"), "t.rating", SD_COLUMN_RATING, TRUE, FALSE, FALSE },
  { N_("Review"), "t.review_text", SD_COLUMN_TEXT, FALSE, TRUE, TRUE },
};

static const TableSpec tables[SD_N_TABLES] = {
  [SD_TABLE_CUSTOMERS] = { "customers", N_("Customers"), "customers t", "customers t",
                           customer_columns, G_N_ELEMENTS (customer_columns) },
  [SD_TABLE_PRODUCTS] = { "products", N_("Products"), "products t", "products t",
                          product_columns, G_N_ELEMENTS (product_columns) },
  [SD_TABLE_ORDERS] = { "orders", N_("Orders"), "orders t",
                        "orders t LEFT JOIN customers c ON c.id = t.customer_id",
                        order_columns, G_N_ELEMENTS (order_columns) },
  [SD_TABLE_ORDER_LINES] = { "order_lines", N_("Order lines"), "order_lines t",
                             "order_lines t LEFT JOIN orders o ON o.id = t.order_id"
                             " LEFT JOIN products p ON p.id = t.product_id",
                             order_line_columns, G_N_ELEMENTS (order_line_columns) },
  [SD_TABLE_EVENTS] = { "events", N_("Events"), "events t",
                        "events t LEFT JOIN customers c ON c.id = t.customer_id"
                        " LEFT JOIN products p ON p.id = t.product_id",
                        event_columns, G_N_ELEMENTS (event_columns) },
};

/* ---- The whitelist ---------------------------------------------------------------- */

gboolean
sd_column_kind_is_text (SdColumnKind kind)
{
  switch (kind)
    {
    case SD_COLUMN_TEXT:
    case SD_COLUMN_PRODUCT_KIND:
    case SD_COLUMN_ORDER_STATUS:
    case SD_COLUMN_SEGMENT:
    case SD_COLUMN_COUNTRY:
    case SD_COLUMN_CURRENCY:
      return TRUE;
    case SD_COLUMN_INTEGER:
    case SD_COLUMN_MONEY:
    case SD_COLUMN_TIME:
    case SD_COLUMN_EVENT_KIND:
    case SD_COLUMN_RATING:
    default:
      return FALSE;
    }
}

const char *
sd_table_get_name (SdTable table)
{
  g_return_val_if_fail (table < SD_N_TABLES, NULL);
  return tables[table].name;
}

const char *
sd_table_get_title (SdTable table)
{
  g_return_val_if_fail (table < SD_N_TABLES, NULL);
  return _(tables[table].title);
}

guint
sd_table_get_n_columns (SdTable table)
{
  g_return_val_if_fail (table < SD_N_TABLES, 0);
  return tables[table].n_columns;
}

static const ColumnSpec *
column_spec (SdTable table,
             guint   column)
{
  g_return_val_if_fail (table < SD_N_TABLES, NULL);
  g_return_val_if_fail (column < tables[table].n_columns, NULL);
  return &tables[table].columns[column];
}

const char *
sd_table_get_column_title (SdTable table,
                           guint   column)
{
  const ColumnSpec *spec = column_spec (table, column);
  return spec ? _(spec->title) : NULL;
}

SdColumnKind
sd_table_get_column_kind (SdTable table,
                          guint   column)
{
  const ColumnSpec *spec = column_spec (table, column);
  return spec ? spec->kind : SD_COLUMN_TEXT;
}

gboolean
sd_table_get_column_sortable (SdTable table,
                              guint   column)
{
  const ColumnSpec *spec = column_spec (table, column);
  return spec ? spec->sortable : FALSE;
}

gboolean
sd_table_get_column_searchable (SdTable table,
                                guint   column)
{
  const ColumnSpec *spec = column_spec (table, column);
  return spec ? spec->searchable : FALSE;
}

gboolean
sd_table_get_column_expands (SdTable table,
                             guint   column)
{
  const ColumnSpec *spec = column_spec (table, column);
  return spec ? spec->expands : FALSE;
}

/* ---- Row order -------------------------------------------------------------------- */

SdTableOrder *
sd_table_order_new_range (gint64 first,
                          guint  n)
{
  SdTableOrder *order = g_new0 (SdTableOrder, 1);

  order->first = first;
  order->n = n;
  return order;
}

SdTableOrder *
sd_table_order_new_list (GArray *rowids)
{
  SdTableOrder *order = g_new0 (SdTableOrder, 1);

  g_return_val_if_fail (rowids != NULL, order);
  order->rowids = rowids;
  order->n = rowids->len;
  return order;
}

void
sd_table_order_free (SdTableOrder *order)
{
  if (order == NULL)
    return;
  g_clear_pointer (&order->rowids, g_array_unref);
  g_free (order);
}

/* Escapes LIKE's wildcards so what the person typed is matched literally. */
static char *
like_pattern (const char *text)
{
  GString *out = g_string_new ("%");

  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '%');
  return g_string_free (out, FALSE);
}

/* The SQL is assembled only from the fixed table and column specs above; what the
 * person typed only ever reaches SQLite as the bound pattern ?1. */
static char *
build_order_sql (SdTable     table,
                 int         sort_column,
                 gboolean    descending,
                 gboolean    searching,
                 const char *shown_terms)
{
  const TableSpec *spec = &tables[table];
  const char *dir = descending ? "DESC" : "ASC";
  GString *sql = g_string_new ("SELECT t.rowid FROM ");
  gboolean first = TRUE;

  g_string_append (sql, searching ? spec->from : spec->base);
  if (searching)
    {
      g_string_append (sql, " WHERE (");
      /* What is stored, where it is text (a time or a kind's number is no text to match
         a person's words against)... */
      for (guint i = 0; i < spec->n_columns; i++)
        if (spec->columns[i].searchable && sd_column_kind_is_text (spec->columns[i].kind))
          {
            g_string_append_printf (sql, "%s%s LIKE ?1 ESCAPE '\\'",
                                    first ? "" : " OR ", spec->columns[i].expr);
            first = FALSE;
          }
      /* ...and what is shown: the stored codes and times whose text on screen holds it */
      g_string_append (sql, shown_terms ? shown_terms : "");
      g_string_append (sql, ")");
    }
  if (sort_column >= 0)
    g_string_append_printf (sql, " ORDER BY %s %s, t.rowid %s",
                            spec->columns[sort_column].expr, dir, dir);
  else
    g_string_append (sql, " ORDER BY t.rowid");
  return g_string_free (sql, FALSE);
}

/* ---- Searching what is shown ------------------------------------------------------ */

/* A value bound to a :shownN parameter: a stored code (text or number) or a time. */
typedef struct {
  char   *text;
  gint64  number;
} ShownBind;

static void
shown_bind_free (ShownBind *bind)
{
  g_free (bind->text);
  g_free (bind);
}

/* Enough for every country, status and segment a shop has and a few years of matching
 * days; the limit keeps the statement within SQLite's parameters. */
#define MAX_SHOWN_BINDS 4000

static char *
add_bind (GPtrArray  *binds,
          const char *text,
          gint64      number)
{
  ShownBind *bind = g_new0 (ShownBind, 1);

  bind->text = g_strdup (text);
  bind->number = number;
  g_ptr_array_add (binds, bind);
  return g_strdup_printf (":shown%u", binds->len - 1);
}

/* Whether @value, shown, holds @folded (the search, case-folded). */
static gboolean
shown_holds (SdTableShowFunc     show,
             gpointer            show_data,
             SdColumnKind        kind,
             const SdTableValue *value,
             const char         *folded)
{
  g_autofree char *shown = show (kind, value, show_data);
  g_autofree char *shown_folded = shown ? g_utf8_casefold (shown, -1) : NULL;

  return shown_folded && strstr (shown_folded, folded) != NULL;
}

/* The stored codes of a column (a country, a status, a kind) whose shown name holds the
 * search, as " OR expr IN (...)": a scan of the column for its distinct values, each shown
 * once, rather than every row shown. */
static gboolean
shown_code_terms (SdStore          *store,
                  const TableSpec  *spec,
                  const ColumnSpec *column,
                  const char       *folded,
                  SdTableShowFunc   show,
                  gpointer          show_data,
                  GString          *terms,
                  GPtrArray        *binds,
                  GError          **error)
{
  g_autoptr(GString) list = g_string_new (NULL);

  if (column->kind == SD_COLUMN_EVENT_KIND)
    {
      /* the events table is the largest: its kinds are known without reading it */
      for (int k = 0; k < SD_N_EVENT_KINDS && binds->len < MAX_SHOWN_BINDS; k++)
        {
          SdTableValue value = { FALSE, k, NULL };
          if (shown_holds (show, show_data, column->kind, &value, folded))
            {
              g_autofree char *name = add_bind (binds, NULL, k);
              g_string_append_printf (list, "%s%s", list->len ? ", " : "", name);
            }
        }
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("SELECT DISTINCT %s FROM %s WHERE %s IS NOT NULL",
                                              column->expr, spec->base, column->expr);
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && binds->len < MAX_SHOWN_BINDS)
        {
          SdTableValue value = { FALSE, 0, (char *) sqlite3_column_text (stmt, 0) };
          g_autofree char *name = NULL;

          /* shown as stored: the LIKE on the stored value finds it already */
          if (value.text == NULL || !shown_holds (show, show_data, column->kind, &value, folded))
            continue;
          name = add_bind (binds, value.text, 0);
          g_string_append_printf (list, "%s%s", list->len ? ", " : "", name);
        }
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sd_store_fail (store, _("Could not list the rows"), error);
    }
  if (list->len)
    g_string_append_printf (terms, " OR %s IN (%s)", column->expr, list->str);
  return TRUE;
}

/* The length of the common prefix of @a and @b in bytes, at a character boundary. */
static gsize
common_prefix (const char *a,
               const char *b)
{
  gsize n = 0;

  while (a[n] && a[n] == b[n])
    n++;
  while (n > 0 && (a[n] & 0xc0) == 0x80)
    n--;
  return n;
}

static gsize
common_suffix (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b), n = 0;

  while (n < la && n < lb && a[la - 1 - n] == b[lb - 1 - n])
    n++;
  while (n > 0 && n < la && (a[la - n] & 0xc0) == 0x80)
    n--;
  return n;
}

/* Whether @part, trimmed and case-folded, is not empty and lies in @folded. */
static gboolean
part_in (const char *part,
         gsize       len,
         const char *folded)
{
  g_autofree char *copy = g_strndup (part, len);
  g_autofree char *part_folded = g_utf8_casefold (g_strstrip (copy), -1);

  return *part_folded && strstr (folded, part_folded) != NULL;
}

/* Whether @part (its first @len bytes) case-folded holds @folded. */
static gboolean
part_holds (const char *part,
            gsize       len,
            const char *folded)
{
  g_autofree char *part_folded = g_utf8_casefold (part, (gssize) len);

  return strstr (part_folded, folded) != NULL;
}

static void
add_range (GArray *ranges,
           gint64  from,
           gint64  to)
{
  gint64 *last = ranges->len ? &g_array_index (ranges, gint64, ranges->len - 1) : NULL;

  if (last && *last == from)
    *last = to;
  else
    {
      g_array_append_val (ranges, from);
      g_array_append_val (ranges, to);
    }
}

/* The times in [@first, @last] whose shown text holds @folded, as ascending [from, to)
 * pairs. A day's times share their date: the day is in whole when the search lies in the
 * part every minute of it shows alike (the date, before or after the time); it is looked
 * at minute by minute only when the search holds that date and more (1 Dec 2010 08:2). */
static GArray *
shown_time_ranges (gint64           first,
                   gint64           last,
                   const char      *folded,
                   SdTableShowFunc  show,
                   gpointer         show_data,
                   GCancellable    *cancellable)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gint64 day = first - first % 86400; day <= last; day += 86400)
    {
      SdTableValue morning = { FALSE, day, NULL }, night = { FALSE, day + 86400 - 60, NULL };
      g_autofree char *a = show (SD_COLUMN_TIME, &morning, show_data);
      g_autofree char *b = show (SD_COLUMN_TIME, &night, show_data);
      gsize prefix, suffix;

      if (g_cancellable_is_cancelled (cancellable) || ranges->len / 2 >= MAX_SHOWN_BINDS / 2)
        break;
      if (a == NULL || b == NULL)
        continue;
      prefix = common_prefix (a, b);
      suffix = common_suffix (a, b);
      if (part_holds (a, prefix, folded) || part_holds (a + strlen (a) - suffix, suffix, folded))
        add_range (ranges, day, day + 86400);
      else if (part_in (a, prefix, folded) || part_in (a + strlen (a) - suffix, suffix, folded))
        for (gint64 minute = day; minute < day + 86400; minute += 60)
          {
            SdTableValue value = { FALSE, minute, NULL };
            if (shown_holds (show, show_data, SD_COLUMN_TIME, &value, folded))
              add_range (ranges, minute, minute + 60);
          }
    }
  return ranges;
}

/* The shown times a search could mean, as " OR (expr >= a AND expr < b) ...". The dates
 * of 1990 to 2060 are tried first, with no query; only a search that could be part of one
 * reads the column's first and last time, which bound the days to try. */
static gboolean
shown_time_terms (SdStore          *store,
                  const TableSpec  *spec,
                  const ColumnSpec *column,
                  const char       *folded,
                  SdTableShowFunc   show,
                  gpointer          show_data,
                  GString          *terms,
                  GPtrArray        *binds,
                  GCancellable     *cancellable,
                  GError          **error)
{
  static const gint64 y1990 = 631152000, y2060 = 2840140800;
  g_autoptr(GArray) candidates = shown_time_ranges (y1990, y2060, folded, show, show_data, cancellable);
  g_autoptr(GArray) ranges = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(SdStmt) stmt = NULL;

  if (candidates->len == 0)
    return TRUE;
  sql = g_strdup_printf ("SELECT min(%s), max(%s) FROM %s", column->expr, column->expr, spec->base);
  if (!(stmt = sd_store_prepare (store, sql, error)))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not list the rows"), error);
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return TRUE;
  ranges = shown_time_ranges (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                              folded, show, show_data, cancellable);
  for (guint i = 0; i + 1 < ranges->len && binds->len + 2 <= MAX_SHOWN_BINDS; i += 2)
    {
      g_autofree char *from = add_bind (binds, NULL, g_array_index (ranges, gint64, i));
      g_autofree char *to = add_bind (binds, NULL, g_array_index (ranges, gint64, i + 1));
      g_string_append_printf (terms, " OR (%s >= %s AND %s < %s)", column->expr, from, column->expr, to);
    }
  return TRUE;
}

/* The terms a search adds for what the searchable columns show other than as stored. */
static gboolean
shown_search_terms (SdStore          *store,
                    SdTable           table,
                    const char       *search,
                    SdTableShowFunc   show,
                    gpointer          show_data,
                    GString          *terms,
                    GPtrArray        *binds,
                    GCancellable     *cancellable,
                    GError          **error)
{
  const TableSpec *spec = &tables[table];
  g_autofree char *folded = g_utf8_casefold (search, -1);

  for (guint i = 0; i < spec->n_columns; i++)
    {
      const ColumnSpec *c = &spec->columns[i];

      if (!c->searchable || c->kind == SD_COLUMN_TEXT)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (c->kind == SD_COLUMN_TIME
          ? !shown_time_terms (store, spec, c, folded, show, show_data, terms, binds, cancellable, error)
          : !shown_code_terms (store, spec, c, folded, show, show_data, terms, binds, error))
        return FALSE;
    }
  return TRUE;
}

/* The natural order needs no list when the rowids have no gaps: count, first and last. */
static gboolean
dense_range (SdStore       *store,
             SdTable        table,
             SdTableOrder **order,
             GError       **error)
{
  /* Counting a million customers or twenty million events reads the whole table; the
   * summary counts (kept by triggers in every shop that has them) answer at once. */
  static const char *const counted[] = {
    [SD_TABLE_CUSTOMERS] = "what = 0", [SD_TABLE_PRODUCTS] = "what = 1", [SD_TABLE_ORDERS] = "what = 2",
    [SD_TABLE_ORDER_LINES] = "what = 3", [SD_TABLE_EVENTS] = "what BETWEEN 10 AND 13",
  };
  gboolean summarised = table < G_N_ELEMENTS (counted) && counted[table] != NULL &&
                        sd_summary_state (store) != SD_SUMMARY_ABSENT;
  g_autofree char *sql =
    summarised ? g_strdup_printf ("SELECT (SELECT coalesce(sum(n), 0) FROM summary_counts WHERE %s),"
                                  /* apart, each is one step down the b-tree; together, a scan */
                                  " (SELECT min(t.rowid) FROM %s), (SELECT max(t.rowid) FROM %s)",
                                  counted[table], tables[table].base, tables[table].base)
               : g_strdup_printf ("SELECT count(*), min(t.rowid), max(t.rowid) FROM %s", tables[table].base);
  g_autoptr(SdStmt) range = sd_store_prepare (store, sql, error);
  gint64 count, first, last;

  *order = NULL;
  if (range == NULL)
    return FALSE;
  if (sqlite3_step (range) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not count the rows"), error);
  count = sqlite3_column_int64 (range, 0);
  first = sqlite3_column_int64 (range, 1);
  last = sqlite3_column_int64 (range, 2);
  if (count == 0 || (last - first + 1 == count && count <= G_MAXUINT))
    *order = sd_table_order_new_range (count == 0 ? 0 : first, count);
  return TRUE;
}

SdTableOrder *
sd_table_query_order (SdStore       *store,
                      SdTable        table,
                      int            sort_column,
                      gboolean       descending,
                      const char    *search,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return sd_table_query_order_shown (store, table, sort_column, descending, search, NULL, NULL,
                                     cancellable, error);
}

SdTableOrder *
sd_table_query_order_shown (SdStore         *store,
                            SdTable          table,
                            int              sort_column,
                            gboolean         descending,
                            const char      *search,
                            SdTableShowFunc  show,
                            gpointer         show_data,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(GArray) rowids = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *pattern = NULL;
  g_autoptr(GString) shown_terms = NULL;
  g_autoptr(GPtrArray) shown_binds = NULL;
  gboolean searching = search != NULL && *search != '\0';
  guint n = 0;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (table < SD_N_TABLES, NULL);

  if (sort_column >= (int) tables[table].n_columns ||
      (sort_column >= 0 && !tables[table].columns[sort_column].sortable))
    sort_column = -1;
  if (sort_column < 0)
    descending = FALSE;

  if (!searching && sort_column < 0)
    {
      SdTableOrder *order;

      if (!dense_range (store, table, &order, error))
        return NULL;
      if (order)
        return order;
    }

  if (searching && show)
    {
      shown_terms = g_string_new (NULL);
      shown_binds = g_ptr_array_new_with_free_func ((GDestroyNotify) shown_bind_free);
      if (!shown_search_terms (store, table, search, show, show_data, shown_terms, shown_binds,
                               cancellable, error))
        return NULL;
    }
  sql = build_order_sql (table, sort_column, descending, searching,
                         shown_terms ? shown_terms->str : NULL);
  if (!(stmt = sd_store_prepare (store, sql, error)))
    return NULL;
  if (searching)
    {
      pattern = like_pattern (search);
      sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
    }
  for (guint i = 0; shown_binds && i < shown_binds->len; i++)
    {
      const ShownBind *b = g_ptr_array_index (shown_binds, i);
      g_autofree char *name = g_strdup_printf (":shown%u", i);
      int index = sqlite3_bind_parameter_index (stmt, name);

      if (b->text)
        sqlite3_bind_text (stmt, index, b->text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (stmt, index, b->number);
    }
  sd_product_text_bind (stmt);

  rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (rowids, rowid);
      if (++n % 65536 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not list the rows"), error);
      return NULL;
    }
  return sd_table_order_new_list (g_steal_pointer (&rowids));
}

/* ---- Columns with values ---------------------------------------------------------- */

gboolean
sd_table_query_filled_columns (SdStore       *store,
                               SdTable        table,
                               guint64       *filled,
                               GCancellable  *cancellable,
                               GError       **error)
{
  const TableSpec *spec;

  g_return_val_if_fail (SD_IS_STORE (store), FALSE);
  g_return_val_if_fail (table < SD_N_TABLES, FALSE);
  g_return_val_if_fail (filled != NULL, FALSE);

  spec = &tables[table];
  g_return_val_if_fail (spec->n_columns <= 64, FALSE);
  *filled = 0;
  /* One statement a column, each stopping at the first value it meets: a filled column
   * costs a few rows, an empty one a scan; the cancellable is checked between them. */
  for (guint i = 0; i < spec->n_columns; i++)
    {
      const ColumnSpec *c = &spec->columns[i];
      g_autofree char *sql =
        g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM %s WHERE (%s) IS NOT NULL AND (%s) <> ''%s%s%s)",
                         spec->from, c->expr, c->expr,
                         c->zero_is_empty ? " AND (" : "", c->zero_is_empty ? c->expr : "",
                         c->zero_is_empty ? ") <> 0" : "");
      g_autoptr(SdStmt) stmt = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!(stmt = sd_store_prepare (store, sql, error)))
        return FALSE;
      sd_product_text_bind (stmt);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        return sd_store_fail (store, _("Could not look for the columns with values"), error);
      if (sqlite3_column_int (stmt, 0))
        *filled |= G_GUINT64_CONSTANT (1) << i;
    }
  return TRUE;
}

/* ---- Rows ------------------------------------------------------------------------- */

void
sd_table_record_free (SdTableRecord *record)
{
  if (record == NULL)
    return;
  for (guint i = 0; i < record->n_values; i++)
    g_free (record->values[i].text);
  g_free (record->values);
  g_free (record);
}

/* One row by rowid, every column of the table: built once per table, shared by threads. */
static const char *
row_sql (SdTable table)
{
  static char *sql[SD_N_TABLES];

  if (g_once_init_enter (&sql[table]))
    {
      const TableSpec *spec = &tables[table];
      GString *s = g_string_new ("SELECT ");

      for (guint i = 0; i < spec->n_columns; i++)
        g_string_append_printf (s, "%s%s", i ? ", " : "", spec->columns[i].expr);
      g_string_append_printf (s, " FROM %s WHERE t.rowid = ?1", spec->from);
      g_once_init_leave (&sql[table], g_string_free (s, FALSE));
    }
  return sql[table];
}

static SdTableRecord *
read_record (sqlite3_stmt    *stmt,
             const TableSpec *spec,
             gint64           rowid,
             gboolean         found)
{
  SdTableRecord *record = g_new0 (SdTableRecord, 1);

  record->rowid = rowid;
  record->found = found;
  record->n_values = spec->n_columns;
  record->values = g_new0 (SdTableValue, spec->n_columns);
  for (guint i = 0; i < spec->n_columns; i++)
    {
      SdTableValue *value = &record->values[i];

      if (!found || sqlite3_column_type (stmt, i) == SQLITE_NULL)
        value->is_null = TRUE;
      else if (sd_column_kind_is_text (spec->columns[i].kind))
        value->text = g_strdup ((const char *) sqlite3_column_text (stmt, i));
      else
        value->number = sqlite3_column_int64 (stmt, i);
    }
  return record;
}

GPtrArray *
sd_table_query_rows (SdStore       *store,
                     SdTable        table,
                     const gint64  *rowids,
                     guint          n_rowids,
                     GError       **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (table < SD_N_TABLES, NULL);
  g_return_val_if_fail (rowids != NULL || n_rowids == 0, NULL);

  if (!(stmt = sd_store_prepare (store, row_sql (table), error)))
    return NULL;
  sd_product_text_bind (stmt);
  records = g_ptr_array_new_full (n_rowids, (GDestroyNotify) sd_table_record_free);
  for (guint i = 0; i < n_rowids; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, rowids[i]);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          sd_store_fail (store, _("Could not list the rows"), error);
          return NULL;
        }
      g_ptr_array_add (records, read_record (stmt, &tables[table], rowids[i], rc == SQLITE_ROW));
    }
  return g_steal_pointer (&records);
}
