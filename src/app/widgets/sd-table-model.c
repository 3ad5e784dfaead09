/* sd-table-model.c — a GListModel over one shop table, paged from SQLite */
#include "config.h"

#include "sd-format.h"
#include "sd-job.h"
#include "sd-product-kind.h"
#include "sd-shop-summary.h"
#include "sd-table-model.h"

#define PAGE_SIZE 256
#define MAX_PAGES 32

struct _SdTableModel
{
  GObject        parent_instance;

  SdStore       *store;
  SdTable        table;
  int            sort_column;
  gboolean       descending;
  char          *search;

  SdTableOrder  *order;
  GHashTable    *pages;         /* page number → GPtrArray of SdTableRow */
  GQueue         page_order;    /* page numbers, oldest first, for eviction */

  GCancellable  *cancellable;   /* of the running load */
  guint          generation;
  gboolean       order_loading;
  gboolean       loading;       /* the order or the filled columns */

  guint64        filled;        /* columns with a value in some row; all until known */
  GCancellable  *columns_cancellable;
  guint          columns_generation;
  gboolean       columns_loading;
  char          *error;
  char          *currency;      /* the shop's, for money columns */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SdTableModel, sd_table_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_ERROR,
  PROP_FILLED_COLUMNS,
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
format_value (const SdTableValue *value,
              SdColumnKind        kind,
              const char         *currency)
{
  if (value->is_null)
    return NULL;

  switch (kind)
    {
    case SD_COLUMN_INTEGER:
      return sd_format_count (value->number);
    case SD_COLUMN_MONEY:
      return sd_format_money (value->number, currency);
    case SD_COLUMN_TIME:
      return sd_format_time (value->number);
    case SD_COLUMN_EVENT_KIND:
      return g_strdup (sd_format_event_kind ((int) value->number));
    case SD_COLUMN_PRODUCT_KIND:
      {
        SdProductKind product_kind = SD_PRODUCT_MERCHANDISE;
        sd_product_kind_from_string (value->text, &product_kind);
        return g_strdup (sd_product_kind_label (product_kind));
      }
    case SD_COLUMN_RATING:
      return g_strdup (sd_format_stars ((int) value->number));
    case SD_COLUMN_ORDER_STATUS:
      return g_strdup (sd_format_order_status (value->text));
    case SD_COLUMN_SEGMENT:
      return g_strdup (sd_format_segment (value->text));
    case SD_COLUMN_COUNTRY:
      return g_strdup (sd_format_country (value->text));
    case SD_COLUMN_CURRENCY:
    case SD_COLUMN_TEXT:
    default:
      return g_strdup (value->text);
    }
}

/* A value as a cell shows it, for the search (money, not searched, in no currency). */
static char *
show_value (SdColumnKind        kind,
            const SdTableValue *value,
            gpointer            user_data)
{
  return format_value (value, kind, NULL);
}

/* A row deleted since the order was computed shows empty until the reload lands. */
static SdTableRow *
format_row (SdTable              table,
            const SdTableRecord *record,
            const char          *currency)
{
  char **values = g_new0 (char *, record->n_values);

  /* An order in another currency than the shop's shows its total in its own. */
  for (guint i = 0; record->found && i < record->n_values; i++)
    if (sd_table_get_column_kind (table, i) == SD_COLUMN_CURRENCY &&
        record->values[i].text && *record->values[i].text)
      currency = record->values[i].text;
  if (record->found)
    for (guint i = 0; i < record->n_values; i++)
      values[i] = format_value (&record->values[i], sd_table_get_column_kind (table, i), currency);
  return sd_table_row_new (record->rowid, values, record->n_values);
}

static GPtrArray *
fetch_page (SdTableModel *self,
            guint         page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint start = page * PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, self->order->n);
  gint64 rowids[PAGE_SIZE];

  for (guint i = start; i < end; i++)
    rowids[i - start] = sd_table_order_get (self->order, i);
  records = sd_table_query_rows (self->store, self->table, rowids, end - start, &error);
  for (guint i = 0; i < end - start; i++)
    {
      if (records)
        g_ptr_array_add (rows, format_row (self->table, g_ptr_array_index (records, i), self->currency));
      else
        g_ptr_array_add (rows, sd_table_row_new (rowids[i], g_new0 (char *, 1), 0));
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
update_loading (SdTableModel *self)
{
  gboolean loading = self->order_loading || self->columns_loading;

  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_loading (SdTableModel *self,
             gboolean      loading)
{
  self->order_loading = loading;
  update_loading (self);
}

static void
set_filled (SdTableModel *self,
            guint64       filled)
{
  if (self->filled == filled)
    return;
  self->filled = filled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILLED_COLUMNS]);
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
               SdTableOrder *order)
{
  guint removed = self->order->n;
  guint added = order->n;

  sd_table_order_free (self->order);
  self->order = order;
  clear_pages (self);
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, added);
}

typedef struct {
  char     *db_path;
  SdTable   table;
  int       sort_column;
  gboolean  descending;
  char     *search;
  guint     generation;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->db_path);
  g_free (data->search);
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
  SdTableOrder *order = NULL;

  /* The search finds what the cells show as well as what is stored: 英国 under zh_CN,
   * Shipped, a date. */
  if (store)
    order = sd_table_query_order_shown (store, data->table, data->sort_column, data->descending,
                                        data->search, show_value, NULL, cancellable, &error);
  if (order == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, order, (GDestroyNotify) sd_table_order_free);
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SdTableModel *self = SD_TABLE_MODEL (object);
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  SdTableOrder *order = g_task_propagate_pointer (G_TASK (result), &error);

  if (data->generation != self->generation)
    {
      g_clear_pointer (&order, sd_table_order_free);
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

typedef struct {
  char    *db_path;
  SdTable  table;
  guint    generation;
  guint64  filled;
} ColumnsData;

static void
columns_data_free (ColumnsData *data)
{
  g_free (data->db_path);
  g_free (data);
}

static void
columns_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ColumnsData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (data->db_path, &error);

  if (store && sd_table_query_filled_columns (store, data->table, &data->filled, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
columns_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SdTableModel *self = SD_TABLE_MODEL (object);
  ColumnsData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (data->generation != self->columns_generation)
    return;
  self->columns_loading = FALSE;
  /* An empty table has nothing to hide: its columns head the "Nothing Here Yet" page. A
   * failure shows them all too; the row order's load says what went wrong. */
  if (ok)
    set_filled (self, data->filled != 0 ? data->filled : G_MAXUINT64);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_filled (self, G_MAXUINT64);
  update_loading (self);
}

/* Which columns have a value: after a change of table, shop or data, never of sort or
 * search (they show the same table). */
static void
load_columns (SdTableModel *self)
{
  g_autoptr(GTask) task = NULL;
  ColumnsData *data;

  g_cancellable_cancel (self->columns_cancellable);
  g_clear_object (&self->columns_cancellable);
  self->columns_generation++;
  if (self->store == NULL)
    {
      self->columns_loading = FALSE;
      set_filled (self, G_MAXUINT64);
      update_loading (self);
      return;
    }

  data = g_new0 (ColumnsData, 1);
  data->db_path = g_strdup (sd_store_get_path (self->store));
  data->table = self->table;
  data->generation = self->columns_generation;
  self->columns_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->columns_cancellable, columns_done_cb, NULL);
  g_task_set_source_tag (task, load_columns);
  g_task_set_name (task, "[shopdesk] table columns");
  g_task_set_task_data (task, data, (GDestroyNotify) columns_data_free);
  self->columns_loading = TRUE;
  update_loading (self);
  sd_job_run_task_in_thread (task, columns_in_thread);
}

static void
load_order (SdTableModel *self)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->generation++;

  /* The shop's currency may have changed (Shop Settings): money columns follow. */
  g_free (self->currency);
  self->currency = self->store ? sd_shop_currency (self->store) : NULL;
  if (self->store == NULL)
    {
      set_loading (self, FALSE);
      replace_order (self, sd_table_order_new_range (0, 0));
      return;
    }

  /* Rows cached from before the change may be stale; the order stays until the new one
   * lands, so the view does not flash empty. */
  clear_pages (self);

  data = g_new0 (LoadData, 1);
  data->db_path = g_strdup (sd_store_get_path (self->store));
  data->table = self->table;
  data->sort_column = self->sort_column;
  data->descending = self->descending;
  data->search = g_strdup (self->search);
  data->generation = self->generation;

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, load_done_cb, NULL);
  g_task_set_source_tag (task, load_order);
  g_task_set_name (task, "[shopdesk] table order");
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  set_loading (self, TRUE);
  sd_job_run_task_in_thread (task, load_in_thread);
}

void
sd_table_model_reload (SdTableModel *self)
{
  g_return_if_fail (SD_IS_TABLE_MODEL (self));

  load_order (self);
  load_columns (self);
}

void
sd_table_model_set_store (SdTableModel *self,
                          SdStore      *store)
{
  g_return_if_fail (SD_IS_TABLE_MODEL (self));

  if (!g_set_object (&self->store, store))
    return;
  /* Another shop: nothing of the old one may show while the new order loads. */
  replace_order (self, sd_table_order_new_range (0, 0));
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
  replace_order (self, sd_table_order_new_range (0, 0));
  /* The other table's columns: all shown until this one's are known. */
  set_filled (self, G_MAXUINT64);
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

  if (column >= (int) sd_table_get_n_columns (self->table) ||
      (column >= 0 && !sd_table_get_column_sortable (self->table, column)))
    column = -1;
  if (column < 0)
    descending = FALSE;
  if (column == self->sort_column && descending == self->descending)
    return;
  self->sort_column = column;
  self->descending = descending;
  load_order (self);
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
  load_order (self);
}

gboolean
sd_table_model_get_loading (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), FALSE);
  return self->loading;
}

int
sd_table_model_get_sort_column (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), -1);
  return self->sort_column;
}

gboolean
sd_table_model_get_descending (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), FALSE);
  return self->descending;
}

guint64
sd_table_model_get_filled_columns (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), G_MAXUINT64);
  return self->filled;
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
  g_cancellable_cancel (self->columns_cancellable);
  g_clear_object (&self->columns_cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sd_table_model_parent_class)->dispose (object);
}

static void
sd_table_model_finalize (GObject *object)
{
  SdTableModel *self = SD_TABLE_MODEL (object);

  clear_pages (self);
  g_hash_table_unref (self->pages);
  sd_table_order_free (self->order);
  g_free (self->search);
  g_free (self->error);
  g_free (self->currency);

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
    case PROP_FILLED_COLUMNS:
      g_value_set_uint64 (value, self->filled);
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
  properties[PROP_FILLED_COLUMNS] =
    g_param_spec_uint64 ("filled-columns", NULL, NULL, 0, G_MAXUINT64, G_MAXUINT64,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_table_model_init (SdTableModel *self)
{
  self->order = sd_table_order_new_range (0, 0);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
  self->sort_column = -1;
  self->filled = G_MAXUINT64;
}

SdTableModel *
sd_table_model_new (void)
{
  return g_object_new (SD_TYPE_TABLE_MODEL, NULL);
}

const char *
sd_table_model_get_currency (SdTableModel *self)
{
  g_return_val_if_fail (SD_IS_TABLE_MODEL (self), NULL);
  return self->currency;
}
