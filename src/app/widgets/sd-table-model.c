/* sd-table-model.c — a GListModel over one shop table, paged from SQLite */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-format.h"
#include "sd-product-text.h"
#include "sd-table-model.h"

#define PAGE_SIZE 256
#define MAX_PAGES 32

typedef struct {
  const char   *title;
  const char   *expr;        /* over the table's FROM clause, base table aliased t */
  SdColumnKind  kind;
  gboolean      sortable;    /* only columns of the base table: the order query has no joins */
  gboolean      searchable;
  gboolean      expands;
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
  { N_("Country"), "t.country", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Segment"), "t.segment", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Since"), "t.created_at", SD_COLUMN_TIME, TRUE, FALSE, FALSE },
};

static const ColumnSpec product_columns[] = {
  { N_("Product"), "t.external_id", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Title"), SD_PRODUCT_TITLE ("t"), SD_COLUMN_TEXT, TRUE, TRUE, TRUE },
  { N_("Category"), "t.category", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Tags"), "t.tags", SD_COLUMN_TEXT, FALSE, TRUE, TRUE },
  { N_("Price"), "t.price_cents", SD_COLUMN_MONEY, TRUE, FALSE, FALSE },
  { N_("Stock"), "t.stock", SD_COLUMN_INTEGER, TRUE, FALSE, FALSE },
};

static const ColumnSpec order_columns[] = {
  { N_("Order"), "t.external_id", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Customer"), "c.external_id", SD_COLUMN_TEXT, FALSE, TRUE, FALSE },
  { N_("Placed"), "t.placed_at", SD_COLUMN_TIME, TRUE, FALSE, FALSE },
  { N_("Status"), "t.status", SD_COLUMN_TEXT, TRUE, TRUE, FALSE },
  { N_("Total"), "t.total_cents", SD_COLUMN_MONEY, TRUE, FALSE, FALSE },
  { N_("Currency"), "t.currency", SD_COLUMN_TEXT, TRUE, FALSE, FALSE },
  { N_("Country"), "t.country", SD_COLUMN_TEXT, TRUE, TRUE, TRUE },
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
  { N_("When"), "t.at", SD_COLUMN_TIME, TRUE, FALSE, FALSE },
  { N_("Kind"), "t.kind", SD_COLUMN_EVENT_KIND, TRUE, FALSE, FALSE },
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
sd_table_get_column_expands (SdTable table,
                             guint   column)
{
  const ColumnSpec *spec = column_spec (table, column);
  return spec ? spec->expands : FALSE;
}

/* The rows in display order. In a table's natural order with no gaps in its rowids (the
 * usual case: rows are only ever added), position i is simply rowid first + i, and no list
 * is kept: a 20-million-row table costs one count(*) and no memory. */
typedef struct {
  GArray *rowids;   /* gint64, or NULL for the dense range */
  gint64  first;
  guint   n;
} RowOrder;

static RowOrder *
row_order_new_list (GArray *rowids)
{
  RowOrder *order = g_new0 (RowOrder, 1);

  order->rowids = rowids;
  order->n = rowids->len;
  return order;
}

static RowOrder *
row_order_new_range (gint64 first,
                     guint  n)
{
  RowOrder *order = g_new0 (RowOrder, 1);

  order->first = first;
  order->n = n;
  return order;
}

static void
row_order_free (RowOrder *order)
{
  g_clear_pointer (&order->rowids, g_array_unref);
  g_free (order);
}

static inline gint64
row_order_get (RowOrder *order,
               guint     position)
{
  return order->rowids ? g_array_index (order->rowids, gint64, position)
                       : order->first + position;
}

struct _SdTableModel
{
  GObject        parent_instance;

  SdStore       *store;
  SdTable        table;
  int            sort_column;
  gboolean       descending;
  char          *search;

  RowOrder      *order;
  GHashTable    *pages;         /* page number → GPtrArray of SdTableRow */
  GQueue         page_order;    /* page numbers, oldest first, for eviction */
  char          *row_sql;       /* fetches one row by rowid, for the current table */

  GCancellable  *cancellable;   /* of the running load */
  guint          generation;
  gboolean       loading;
  char          *error;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SdTableModel, sd_table_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return SD_TYPE_TABLE_ROW;
}

static guint
get_n_items (GListModel *model)
{
  return SD_TABLE_MODEL (model)->order->n;
}

static char *
format_value (sqlite3_stmt *stmt,
              int           col,
              SdColumnKind  kind)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;

  switch (kind)
    {
    case SD_COLUMN_INTEGER:
      return sd_format_count (sqlite3_column_int64 (stmt, col));
    case SD_COLUMN_MONEY:
      return sd_format_money (sqlite3_column_int64 (stmt, col), NULL);
    case SD_COLUMN_TIME:
      return sd_format_time (sqlite3_column_int64 (stmt, col));
    case SD_COLUMN_EVENT_KIND:
      return g_strdup (sd_format_event_kind (sqlite3_column_int (stmt, col)));
    case SD_COLUMN_RATING:
      return g_strdup (sd_format_stars (sqlite3_column_int (stmt, col)));
    case SD_COLUMN_TEXT:
    default:
      return g_strdup ((const char *) sqlite3_column_text (stmt, col));
    }
}

static SdTableRow *
fetch_row (SdTableModel *self,
           sqlite3_stmt *stmt,
           gint64        rowid)
{
  const TableSpec *spec = &tables[self->table];
  char **values = g_new0 (char *, spec->n_columns);

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, rowid);
  /* A row deleted since the order was computed shows empty until the reload lands. */
  if (sqlite3_step (stmt) == SQLITE_ROW)
    for (guint i = 0; i < spec->n_columns; i++)
      values[i] = format_value (stmt, i, spec->columns[i].kind);
  return sd_table_row_new (rowid, values, spec->n_columns);
}

static GPtrArray *
fetch_page (SdTableModel *self,
            guint         page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStmt) stmt = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint start = page * PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, self->order->n);

  stmt = sd_store_prepare (self->store, self->row_sql, &error);
  if (stmt)
    sd_product_text_bind (stmt);
  for (guint i = start; i < end; i++)
    {
      gint64 rowid = row_order_get (self->order, i);
      if (stmt)
        g_ptr_array_add (rows, fetch_row (self, stmt, rowid));
      else
        g_ptr_array_add (rows, sd_table_row_new (rowid, g_new0 (char *, 1), 0));
    }
  if (error)
    g_warning ("%s", error->message);

  if (g_queue_get_length (&self->page_order) >= MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_head (&self->page_order));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (page));
  return rows;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  SdTableModel *self = SD_TABLE_MODEL (model);
  GPtrArray *rows;
  guint page = position / PAGE_SIZE;

  if (position >= self->order->n || self->store == NULL)
    return NULL;

  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows == NULL)
    rows = fetch_page (self, page);
  if (position % PAGE_SIZE >= rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (rows, position % PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
clear_pages (SdTableModel *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
}

static void
set_loading (SdTableModel *self,
             gboolean      loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error (SdTableModel *self,
           const char   *message)
{
  if (g_strcmp0 (self->error, message) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* Replaces the whole content: one items-changed, so views keep nothing stale. */
static void
replace_order (SdTableModel *self,
               RowOrder     *order)
{
  guint removed = self->order->n;
  guint added = order->n;

  row_order_free (self->order);
  self->order = order;
  clear_pages (self);
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, added);
}

typedef struct {
  char    *db_path;
  char    *range_sql;  /* count, min and max rowid: only for the natural order */
  char    *sql;
  char    *pattern;    /* bound as ?1 when searching */
  guint    generation;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->db_path);
  g_free (data->range_sql);
  g_free (data->sql);
  g_free (data->pattern);
  g_free (data);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (data->db_path, &error);
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(GArray) rowids = NULL;
  int rc;
  guint n = 0;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->range_sql)
    {
      g_autoptr(SdStmt) range = sd_store_prepare (store, data->range_sql, &error);
      gint64 count, first, last;

      if (range == NULL || sqlite3_step (range) != SQLITE_ROW)
        {
          if (range)
            sd_store_fail (store, _("Could not count the rows"), &error);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      count = sqlite3_column_int64 (range, 0);
      first = sqlite3_column_int64 (range, 1);
      last = sqlite3_column_int64 (range, 2);
      if (count == 0 || (last - first + 1 == count && count <= G_MAXUINT))
        {
          g_task_return_pointer (task, row_order_new_range (first, count), (GDestroyNotify) row_order_free);
          return;
        }
    }

  if (!(stmt = sd_store_prepare (store, data->sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (data->pattern)
    sqlite3_bind_text (stmt, 1, data->pattern, -1, SQLITE_STATIC);
  sd_product_text_bind (stmt);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (rowids, rowid);
      if (++n % 65536 == 0 && g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not list the rows"), &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, row_order_new_list (g_steal_pointer (&rowids)),
                         (GDestroyNotify) row_order_free);
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SdTableModel *self = SD_TABLE_MODEL (object);
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  RowOrder *order = g_task_propagate_pointer (G_TASK (result), &error);

  if (data->generation != self->generation)
    {
      g_clear_pointer (&order, row_order_free);
      return;
    }

  set_loading (self, FALSE);
  if (order == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_error (self, error->message);
      return;
    }
  set_error (self, NULL);
  replace_order (self, order);
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
build_order_sql (SdTableModel *self,
                 gboolean      searching)
{
  const TableSpec *spec = &tables[self->table];
  const char *dir = self->descending ? "DESC" : "ASC";
  GString *sql = g_string_new ("SELECT t.rowid FROM ");
  gboolean first = TRUE;

  g_string_append (sql, searching ? spec->from : spec->base);
  if (searching)
    {
      g_string_append (sql, " WHERE (");
      for (guint i = 0; i < spec->n_columns; i++)
        if (spec->columns[i].searchable)
          {
            g_string_append_printf (sql, "%s%s LIKE ?1 ESCAPE '\\'",
                                    first ? "" : " OR ", spec->columns[i].expr);
            first = FALSE;
          }
      g_string_append (sql, ")");
    }
  if (self->sort_column >= 0)
    g_string_append_printf (sql, " ORDER BY %s %s, t.rowid %s",
                            spec->columns[self->sort_column].expr, dir, dir);
  else
    g_string_append (sql, " ORDER BY t.rowid");
  return g_string_free (sql, FALSE);
}

static char *
build_row_sql (SdTable table)
{
  const TableSpec *spec = &tables[table];
  GString *sql = g_string_new ("SELECT ");

  for (guint i = 0; i < spec->n_columns; i++)
    g_string_append_printf (sql, "%s%s", i ? ", " : "", spec->columns[i].expr);
  g_string_append_printf (sql, " FROM %s WHERE t.rowid = ?1", spec->from);
  return g_string_free (sql, FALSE);
}

void
sd_table_model_reload (SdTableModel *self)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;
  gboolean searching;

  g_return_if_fail (SD_IS_TABLE_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->generation++;

  if (self->store == NULL)
    {
      set_loading (self, FALSE);
      replace_order (self, row_order_new_range (0, 0));
      return;
    }

  /* Rows cached from before the change may be stale; the order stays until the new one
   * lands, so the view does not flash empty. */
  clear_pages (self);

  searching = self->search != NULL && *self->search != '\0';
  data = g_new0 (LoadData, 1);
  data->db_path = g_strdup (sd_store_get_path (self->store));
  data->sql = build_order_sql (self, searching);
  if (!searching && self->sort_column < 0)
    data->range_sql = g_strdup_printf ("SELECT count(*), min(t.rowid), max(t.rowid) FROM %s",
                                       tables[self->table].base);
  data->pattern = searching ? like_pattern (self->search) : NULL;
  data->generation = self->generation;

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, load_done_cb, NULL);
  g_task_set_source_tag (task, sd_table_model_reload);
  g_task_set_name (task, "[shopdesk] table order");
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  set_loading (self, TRUE);
  g_task_run_in_thread (task, load_in_thread);
}

void
sd_table_model_set_store (SdTableModel *self,
                          SdStore      *store)
{
  g_return_if_fail (SD_IS_TABLE_MODEL (self));

  if (!g_set_object (&self->store, store))
    return;
  /* Another shop: nothing of the old one may show while the new order loads. */
  replace_order (self, row_order_new_range (0, 0));
  sd_table_model_reload (self);
}

SdStore *
sd_table_model_get_store (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), NULL);
  return self->store;
}

void
sd_table_model_set_table (SdTableModel *self,
                          SdTable       table)
{
  g_return_if_fail (SD_IS_TABLE_MODEL (self));
  g_return_if_fail (table < SD_N_TABLES);

  if (self->table == table)
    return;
  self->table = table;
  self->sort_column = -1;
  self->descending = FALSE;
  g_clear_pointer (&self->search, g_free);
  g_free (self->row_sql);
  self->row_sql = build_row_sql (table);
  replace_order (self, row_order_new_range (0, 0));
  sd_table_model_reload (self);
}

SdTable
sd_table_model_get_table (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), SD_TABLE_CUSTOMERS);
  return self->table;
}

void
sd_table_model_set_sort (SdTableModel *self,
                         int           column,
                         gboolean      descending)
{
  g_return_if_fail (SD_IS_TABLE_MODEL (self));

  if (column >= (int) tables[self->table].n_columns ||
      (column >= 0 && !tables[self->table].columns[column].sortable))
    column = -1;
  if (column < 0)
    descending = FALSE;
  if (column == self->sort_column && descending == self->descending)
    return;
  self->sort_column = column;
  self->descending = descending;
  sd_table_model_reload (self);
}

void
sd_table_model_set_search (SdTableModel *self,
                           const char   *text)
{
  g_return_if_fail (SD_IS_TABLE_MODEL (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (text, self->search) == 0)
    return;
  g_free (self->search);
  self->search = g_strdup (text);
  sd_table_model_reload (self);
}

gboolean
sd_table_model_get_loading (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), FALSE);
  return self->loading;
}

const char *
sd_table_model_get_error (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), NULL);
  return self->error;
}

static void
sd_table_model_dispose (GObject *object)
{
  SdTableModel *self = SD_TABLE_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sd_table_model_parent_class)->dispose (object);
}

static void
sd_table_model_finalize (GObject *object)
{
  SdTableModel *self = SD_TABLE_MODEL (object);

  clear_pages (self);
  g_hash_table_unref (self->pages);
  row_order_free (self->order);
  g_free (self->row_sql);
  g_free (self->search);
  g_free (self->error);

  G_OBJECT_CLASS (sd_table_model_parent_class)->finalize (object);
}

static void
sd_table_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SdTableModel *self = SD_TABLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_table_model_class_init (SdTableModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_table_model_dispose;
  object_class->finalize = sd_table_model_finalize;
  object_class->get_property = sd_table_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_table_model_init (SdTableModel *self)
{
  self->order = row_order_new_range (0, 0);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
  self->sort_column = -1;
  self->row_sql = build_row_sql (self->table);
}

SdTableModel *
sd_table_model_new (void)
{
  return g_object_new (SD_TYPE_TABLE_MODEL, NULL);
}
