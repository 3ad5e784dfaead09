/* sd-interactions.c — building the CSR user × item matrix from a store or from triples */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-figures.h"
#include "sd-interactions.h"

void
sd_interactions_weights_default (SdInteractionWeights *weights)
{
  g_return_if_fail (weights != NULL);

  /* A purchase says much more than a view; a good review about as much as a purchase. */
  weights->view = 1.0;
  weights->cart = 3.0;
  weights->purchase = 5.0;
  weights->review = 5.0;
  weights->positive_min_rating = 0;
  weights->half_life_days = 0.0;
  weights->now = 0;
}

/* ---- the matrix ---------------------------------------------------------------------- */

static GHashTable *
index_ids (const gint64 *ids,
           guint         n)
{
  /* Keys point into the matrix's own id arrays, which live as long as the table. */
  GHashTable *table = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < n; i++)
    g_hash_table_insert (table, (gpointer) &ids[i], GUINT_TO_POINTER (i + 1));
  return table;
}

static SdInteractions *
interactions_alloc (guint  n_users,
                    guint  n_items,
                    gsize  nnz)
{
  SdInteractions *self = g_new0 (SdInteractions, 1);

  self->ref_count = 1;
  self->n_users = n_users;
  self->n_items = n_items;
  self->nnz = nnz;
  self->indptr = g_new0 (gsize, (gsize) n_users + 1);
  self->indices = g_new (guint, MAX (nnz, 1));
  self->values = g_new (float, MAX (nnz, 1));
  self->times = g_new (gint64, MAX (nnz, 1));
  self->user_ids = g_new (gint64, MAX (n_users, 1));
  self->item_ids = g_new (gint64, MAX (n_items, 1));
  return self;
}

static void
interactions_index (SdInteractions *self)
{
  self->user_index = index_ids (self->user_ids, self->n_users);
  self->item_index = index_ids (self->item_ids, self->n_items);
}

SdInteractions *
sd_interactions_ref (SdInteractions *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
sd_interactions_unref (SdInteractions *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_clear_pointer (&self->user_index, g_hash_table_unref);
  g_clear_pointer (&self->item_index, g_hash_table_unref);
  g_free (self->indptr);
  g_free (self->indices);
  g_free (self->values);
  g_free (self->times);
  g_free (self->user_ids);
  g_free (self->item_ids);
  g_free (self);
}

int
sd_interactions_user_index (SdInteractions *self,
                            gint64          user_id)
{
  g_return_val_if_fail (self != NULL, -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->user_index, &user_id)) - 1;
}

int
sd_interactions_item_index (SdInteractions *self,
                            gint64          item_id)
{
  g_return_val_if_fail (self != NULL, -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->item_index, &item_id)) - 1;
}

SdInteractions *
sd_interactions_transpose (SdInteractions *self)
{
  SdInteractions *t;
  gsize *next;

  g_return_val_if_fail (self != NULL, NULL);

  t = interactions_alloc (self->n_items, self->n_users, self->nnz);
  memcpy (t->user_ids, self->item_ids, sizeof (gint64) * self->n_items);
  memcpy (t->item_ids, self->user_ids, sizeof (gint64) * self->n_users);

  /* Counting sort by column: walking users in order keeps each new row ascending. */
  for (gsize k = 0; k < self->nnz; k++)
    t->indptr[self->indices[k] + 1]++;
  for (guint i = 0; i < self->n_items; i++)
    t->indptr[i + 1] += t->indptr[i];
  next = g_memdup2 (t->indptr, sizeof (gsize) * self->n_items);
  for (guint u = 0; u < self->n_users; u++)
    for (gsize k = self->indptr[u]; k < self->indptr[u + 1]; k++)
      {
        gsize dst = next[self->indices[k]]++;
        t->indices[dst] = u;
        t->values[dst] = self->values[k];
        t->times[dst] = self->times[k];
      }
  g_free (next);
  interactions_index (t);
  return t;
}

SdInteractions *
sd_interactions_select (SdInteractions *self,
                        const guint8   *mask,
                        guint8          which)
{
  SdInteractions *part;
  gsize nnz = 0, q = 0;

  g_return_val_if_fail (self != NULL && (mask != NULL || self->nnz == 0), NULL);

  for (gsize p = 0; p < self->nnz; p++)
    nnz += mask[p] == which;
  part = interactions_alloc (self->n_users, self->n_items, nnz);
  memcpy (part->user_ids, self->user_ids, sizeof (gint64) * self->n_users);
  memcpy (part->item_ids, self->item_ids, sizeof (gint64) * self->n_items);
  for (guint u = 0; u < self->n_users; u++)
    {
      for (gsize p = self->indptr[u]; p < self->indptr[u + 1]; p++)
        if (mask[p] == which)
          {
            part->indices[q] = self->indices[p];
            part->values[q] = self->values[p];
            part->times[q] = self->times[p];
            q++;
          }
      part->indptr[u + 1] = q;
    }
  interactions_index (part);
  return part;
}

guint *
sd_interactions_item_counts (SdInteractions *self)
{
  guint *counts;

  g_return_val_if_fail (self != NULL, NULL);

  counts = g_new0 (guint, MAX (self->n_items, 1));
  for (gsize k = 0; k < self->nnz; k++)
    counts[self->indices[k]]++;
  return counts;
}

/* ---- the builder --------------------------------------------------------------------- */

typedef struct {
  gint64 user;    /* ids while adding; dense indices once mapped */
  gint64 item;
  float  weight;
  gint64 time;
} Cell;

struct _SdInteractionsBuilder
{
  GArray     *cells;
  GHashTable *users;   /* gint64 * → itself (a set) */
  GHashTable *items;
};

SdInteractionsBuilder *
sd_interactions_builder_new (void)
{
  SdInteractionsBuilder *builder = g_new0 (SdInteractionsBuilder, 1);

  builder->cells = g_array_new (FALSE, FALSE, sizeof (Cell));
  builder->users = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  builder->items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  return builder;
}

void
sd_interactions_builder_free (SdInteractionsBuilder *builder)
{
  if (builder == NULL)
    return;
  g_array_unref (builder->cells);
  g_hash_table_unref (builder->users);
  g_hash_table_unref (builder->items);
  g_free (builder);
}

static void
id_set_add (GHashTable *set,
            gint64      id)
{
  if (!g_hash_table_contains (set, &id))
    {
      gint64 *key = g_new (gint64, 1);
      *key = id;
      g_hash_table_add (set, key);
    }
}

void
sd_interactions_builder_add_user (SdInteractionsBuilder *builder,
                                  gint64                 user_id)
{
  g_return_if_fail (builder != NULL);
  id_set_add (builder->users, user_id);
}

void
sd_interactions_builder_add_item (SdInteractionsBuilder *builder,
                                  gint64                 item_id)
{
  g_return_if_fail (builder != NULL);
  id_set_add (builder->items, item_id);
}

void
sd_interactions_builder_add (SdInteractionsBuilder *builder,
                             gint64                 user_id,
                             gint64                 item_id,
                             float                  weight,
                             gint64                 time)
{
  Cell cell = { user_id, item_id, weight, time };

  g_return_if_fail (builder != NULL);

  id_set_add (builder->users, user_id);
  id_set_add (builder->items, item_id);
  g_array_append_val (builder->cells, cell);
}

static int
compare_int64 (const void *a,
               const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static int
compare_cells (const void *a,
               const void *b)
{
  const Cell *x = a, *y = b;

  if (x->user != y->user)
    return (x->user > y->user) - (x->user < y->user);
  return (x->item > y->item) - (x->item < y->item);
}

static gint64 *
sorted_ids (GHashTable *set,
            guint      *n)
{
  GHashTableIter iter;
  gpointer key;
  gint64 *ids;
  guint i = 0;

  *n = g_hash_table_size (set);
  ids = g_new (gint64, MAX (*n, 1));
  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    ids[i++] = *(gint64 *) key;
  /* Sorted ids make the indices independent of the order rows arrived in. */
  qsort (ids, *n, sizeof (gint64), compare_int64);
  return ids;
}

/* Cells already carry dense indices; sorts, merges duplicates (weights add, the newest
 * time stays) and fills the CSR arrays. */
static SdInteractions *
assemble (GArray *cells,
          guint   n_users,
          guint   n_items)
{
  SdInteractions *self;
  gsize nnz = 0;
  Cell *c = (Cell *) cells->data;

  if (cells->len > 1)
    qsort (c, cells->len, sizeof (Cell), compare_cells);
  for (guint k = 0; k < cells->len; k++)
    {
      if (nnz > 0 && c[nnz - 1].user == c[k].user && c[nnz - 1].item == c[k].item)
        {
          c[nnz - 1].weight += c[k].weight;
          c[nnz - 1].time = MAX (c[nnz - 1].time, c[k].time);
        }
      else
        c[nnz++] = c[k];
    }
  /* A cell whose weights cancelled out or were all zero carries no signal. */
  {
    gsize kept = 0;
    for (gsize k = 0; k < nnz; k++)
      if (c[k].weight > 0.0f)
        c[kept++] = c[k];
    nnz = kept;
  }

  self = interactions_alloc (n_users, n_items, nnz);
  for (gsize k = 0; k < nnz; k++)
    {
      self->indptr[c[k].user + 1]++;
      self->indices[k] = (guint) c[k].item;
      self->values[k] = c[k].weight;
      self->times[k] = c[k].time;
    }
  for (guint u = 0; u < n_users; u++)
    self->indptr[u + 1] += self->indptr[u];
  return self;
}

SdInteractions *
sd_interactions_builder_build (SdInteractionsBuilder *builder)
{
  SdInteractions *self;
  g_autofree gint64 *user_ids = NULL;
  g_autofree gint64 *item_ids = NULL;
  g_autoptr(GHashTable) user_index = NULL;
  g_autoptr(GHashTable) item_index = NULL;
  guint n_users, n_items;

  g_return_val_if_fail (builder != NULL, NULL);

  user_ids = sorted_ids (builder->users, &n_users);
  item_ids = sorted_ids (builder->items, &n_items);
  user_index = index_ids (user_ids, n_users);
  item_index = index_ids (item_ids, n_items);

  for (guint k = 0; k < builder->cells->len; k++)
    {
      Cell *cell = &g_array_index (builder->cells, Cell, k);
      cell->user = GPOINTER_TO_UINT (g_hash_table_lookup (user_index, &cell->user)) - 1;
      cell->item = GPOINTER_TO_UINT (g_hash_table_lookup (item_index, &cell->item)) - 1;
    }

  self = assemble (builder->cells, n_users, n_items);
  memcpy (self->user_ids, user_ids, sizeof (gint64) * n_users);
  memcpy (self->item_ids, item_ids, sizeof (gint64) * n_items);
  interactions_index (self);
  sd_interactions_builder_free (builder);
  return self;
}

SdInteractions *
sd_interactions_builder_build_aligned (SdInteractionsBuilder *builder,
                                       SdInteractions        *reference,
                                       gsize                 *n_dropped)
{
  SdInteractions *self;
  gsize dropped = 0, kept = 0;

  g_return_val_if_fail (builder != NULL, NULL);
  g_return_val_if_fail (reference != NULL, NULL);

  for (guint k = 0; k < builder->cells->len; k++)
    {
      Cell cell = g_array_index (builder->cells, Cell, k);
      int u = sd_interactions_user_index (reference, cell.user);
      int i = sd_interactions_item_index (reference, cell.item);

      if (u < 0 || i < 0)
        {
          dropped++;
          continue;
        }
      cell.user = u;
      cell.item = i;
      g_array_index (builder->cells, Cell, kept++) = cell;
    }
  g_array_set_size (builder->cells, kept);

  self = assemble (builder->cells, reference->n_users, reference->n_items);
  memcpy (self->user_ids, reference->user_ids, sizeof (gint64) * reference->n_users);
  memcpy (self->item_ids, reference->item_ids, sizeof (gint64) * reference->n_items);
  interactions_index (self);
  sd_interactions_builder_free (builder);
  if (n_dropped)
    *n_dropped = dropped;
  return self;
}

/* ---- from a store -------------------------------------------------------------------- */

/* A shop's ids in ascending order (rowid order: no sort), with a flag per id from the
 * query's second column when it has one. */
static gint64 *
read_sorted_ids (SdStore     *store,
                 const char  *sql,
                 guint       *n,
                 guint8     **flags,
                 GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, error);
  /* reserved, so that a shop without any still gets an array (NULL means failure) */
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 1);
  g_autoptr(GByteArray) marks = g_byte_array_new ();
  int rc;

  if (!stmt)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      guint8 mark = flags ? (guint8) sqlite3_column_int (stmt, 1) : 0;

      g_array_append_val (ids, id);
      g_byte_array_append (marks, &mark, 1);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the shop's ids"), error);
      return NULL;
    }
  *n = ids->len;
  if (flags)
    *flags = g_byte_array_steal (marks, NULL);
  return (gint64 *) g_array_free (g_steal_pointer (&ids), FALSE);
}

/* Store id → dense index for the products: a direct table when the ids are about dense
 * (rowids usually are), else binary search. */
typedef struct {
  const gint64 *ids;
  guint         n;
  guint        *table;   /* id - ids[0] → index + 1, or NULL */
} IdMap;

static void
id_map_init (IdMap        *map,
             const gint64 *ids,
             guint         n)
{
  map->ids = ids;
  map->n = n;
  map->table = NULL;
  if (n > 0 && ids[n - 1] - ids[0] < 4 * (gint64) n + 4096)
    {
      map->table = g_new0 (guint, ids[n - 1] - ids[0] + 1);
      for (guint i = 0; i < n; i++)
        map->table[ids[i] - ids[0]] = i + 1;
    }
}

static int
id_map_lookup (const IdMap *map,
               gint64       id)
{
  guint lo = 0, hi = map->n;

  if (map->n == 0 || id < map->ids[0] || id > map->ids[map->n - 1])
    return -1;
  if (map->table)
    return (int) map->table[id - map->ids[0]] - 1;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (map->ids[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return map->ids[lo] == id ? (int) lo : -1;
}

/* One row of either query, for one customer. */
typedef struct {
  guint  item;
  int    kind;
  int    rating;   /* 0: none */
  gint64 at;
} RawCell;

static int
compare_raw (const void *a,
             const void *b)
{
  const RawCell *x = a, *y = b;

  if (x->item != y->item)
    return (x->item > y->item) - (x->item < y->item);
  if (x->kind != y->kind)
    return (x->kind > y->kind) - (x->kind < y->kind);
  if (x->at != y->at)
    return (x->at > y->at) - (x->at < y->at);
  return (x->rating > y->rating) - (x->rating < y->rating);
}

/* The CSR arrays, grown as cells come (a large realloc moves pages, it does not copy). */
typedef struct {
  gsize   nnz;
  gsize   capacity;
  guint  *indices;
  float  *values;
  gint64 *times;
} CellArrays;

static void
cell_arrays_append (CellArrays *a,
                    guint       item,
                    float       weight,
                    gint64      time)
{
  if (a->nnz == a->capacity)
    {
      a->capacity = MAX (1024, a->capacity + a->capacity / 2);
      a->indices = g_renew (guint, a->indices, a->capacity);
      a->values = g_renew (float, a->values, a->capacity);
      a->times = g_renew (gint64, a->times, a->capacity);
    }
  a->indices[a->nnz] = item;
  a->values[a->nnz] = weight;
  a->times[a->nnz] = time;
  a->nnz++;
}

/* One customer's rows: the same row from both queries counts once (an order line that an
 * importer also wrote as a purchase event at the same time, or two lines of a product in
 * one order), as SQL's UNION would have it; then the weights, and one cell per item. */
static void
flush_customer (GArray                     *raw,
                const SdInteractionWeights *weights,
                gint64                      now,
                double                      decay_rate,
                CellArrays                 *cells)
{
  RawCell *r = (RawCell *) raw->data;
  gboolean open = FALSE;
  guint open_item = 0;
  float sum = 0;
  gint64 newest = 0;

  if (raw->len > 1)
    qsort (r, raw->len, sizeof (RawCell), compare_raw);
  for (guint i = 0; i < raw->len; i++)
    {
      double w;

      if (i > 0 && compare_raw (&r[i - 1], &r[i]) == 0)
        continue;
      switch (r[i].kind)
        {
        case SD_EVENT_VIEW: w = weights->view; break;
        case SD_EVENT_CART: w = weights->cart; break;
        case SD_EVENT_PURCHASE: w = weights->purchase; break;
        case SD_EVENT_REVIEW:
          if (r[i].rating == 0)
            w = weights->review;
          else
            {
              if (r[i].rating < weights->positive_min_rating)
                continue;
              w = weights->review * r[i].rating / 5.0;
            }
          break;
        default:
          continue;
        }
      if (decay_rate > 0.0 && r[i].at < now)
        w *= exp (-decay_rate * (double) (now - r[i].at));
      if (w <= 0.0)
        continue;
      if (open && open_item != r[i].item)
        {
          cell_arrays_append (cells, open_item, sum, newest);
          open = FALSE;
        }
      if (!open)
        {
          open = TRUE;
          open_item = r[i].item;
          sum = 0;
          newest = r[i].at;
        }
      sum += (float) w;
      newest = MAX (newest, r[i].at);
    }
  /* a cell whose weights were all zero carries no signal */
  if (open && sum > 0.0f)
    cell_arrays_append (cells, open_item, sum, newest);
  g_array_set_size (raw, 0);
}

SdInteractions *
sd_interactions_from_store (SdStore                    *store,
                            const SdInteractionWeights *weights,
                            GCancellable               *cancellable,
                            GError                    **error)
{
  SdInteractionWeights defaults;
  g_autoptr(SdStmt) events = NULL;
  g_autoptr(SdStmt) lines = NULL;
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (RawCell));
  g_autofree gint64 *user_ids = NULL;
  g_autofree gint64 *item_ids = NULL;
  g_autofree guint8 *merchandise = NULL;
  g_autofree gsize *indptr = NULL;
  CellArrays cells = { 0 };
  IdMap items;
  SdInteractions *self;
  guint n_users = 0, n_items = 0, rows = 0;
  gint64 now;
  double decay_rate = 0.0;
  int rc_events, rc_lines;
  gboolean cancelled = FALSE;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  if (weights == NULL)
    {
      sd_interactions_weights_default (&defaults);
      weights = &defaults;
    }

  user_ids = read_sorted_ids (store, "SELECT id FROM customers ORDER BY id", &n_users, NULL, error);
  if (!user_ids)
    return NULL;
  item_ids = read_sorted_ids (store,
                              "SELECT id, " SD_SQL_PRODUCT_IS_MERCHANDISE ("products")
                              " FROM products ORDER BY id", &n_items, &merchandise, error);
  if (!item_ids)
    return NULL;

  now = weights->now;
  if (weights->half_life_days > 0.0)
    {
      if (now == 0)
        {
          g_autoptr(SdStmt) stmt = sd_store_prepare (store,
              "SELECT max(m) FROM (SELECT max(at) AS m FROM events"
              " UNION ALL SELECT max(placed_at) FROM orders)", error);
          if (!stmt)
            return NULL;
          if (sqlite3_step (stmt) == SQLITE_ROW)
            now = sqlite3_column_int64 (stmt, 0);
        }
      decay_rate = M_LN2 / (weights->half_life_days * 86400.0);
    }

  /* Both in customer order (the events' UNIQUE index, orders_customer), so the matrix is
   * built a customer at a time straight into its CSR arrays: no list of every event, no
   * sort of twenty million cells. Non-merchandise products are left out below. */
  events = sd_store_prepare (store,
      "SELECT customer_id, product_id, kind, at, rating FROM events"
      " ORDER BY customer_id, product_id, kind, at", error);
  if (!events)
    return NULL;
  lines = sd_store_prepare (store,
      "SELECT o.customer_id, l.product_id, o.placed_at"
      "   FROM orders o JOIN order_lines l ON l.order_id = o.id"
      "  WHERE o.customer_id IS NOT NULL AND l.product_id IS NOT NULL"
      "    AND l.quantity > 0 AND " SD_SQL_ORDER_IS_SALE ("o")
      "  ORDER BY o.customer_id", error);
  if (!lines)
    return NULL;

  id_map_init (&items, item_ids, n_items);
  indptr = g_new0 (gsize, (gsize) n_users + 1);
  rc_events = sqlite3_step (events);
  rc_lines = sqlite3_step (lines);
  for (guint u = 0; u < n_users; u++)
    {
      gint64 id = user_ids[u];

      /* rows of customers the shop does not have (none, with foreign keys on) are skipped */
      while (rc_events == SQLITE_ROW && sqlite3_column_int64 (events, 0) <= id)
        {
          int item = id_map_lookup (&items, sqlite3_column_int64 (events, 1));

          if (sqlite3_column_int64 (events, 0) == id && item >= 0 && merchandise[item])
            {
              RawCell cell = { (guint) item, sqlite3_column_int (events, 2),
                               sqlite3_column_type (events, 4) == SQLITE_NULL ? 0 : sqlite3_column_int (events, 4),
                               sqlite3_column_int64 (events, 3) };
              g_array_append_val (raw, cell);
            }
          rc_events = sqlite3_step (events);
          if ((++rows & 0xffff) == 0 && g_cancellable_is_cancelled (cancellable))
            break;
        }
      while (rc_lines == SQLITE_ROW && sqlite3_column_int64 (lines, 0) <= id)
        {
          int item = id_map_lookup (&items, sqlite3_column_int64 (lines, 1));

          if (sqlite3_column_int64 (lines, 0) == id && item >= 0 && merchandise[item])
            {
              RawCell cell = { (guint) item, SD_EVENT_PURCHASE, 0, sqlite3_column_int64 (lines, 2) };
              g_array_append_val (raw, cell);
            }
          rc_lines = sqlite3_step (lines);
          if ((++rows & 0xffff) == 0 && g_cancellable_is_cancelled (cancellable))
            break;
        }
      if ((cancelled = g_cancellable_set_error_if_cancelled (cancellable, error)))
        break;
      flush_customer (raw, weights, now, decay_rate, &cells);
      indptr[u + 1] = cells.nnz;
    }
  g_free (items.table);

  if (cancelled ||
      (rc_events != SQLITE_ROW && rc_events != SQLITE_DONE) ||
      (rc_lines != SQLITE_ROW && rc_lines != SQLITE_DONE))
    {
      if (!cancelled)
        sd_store_fail (store, _("Could not read the shop's events"), error);
      g_free (cells.indices);
      g_free (cells.values);
      g_free (cells.times);
      return NULL;
    }

  self = g_new0 (SdInteractions, 1);
  self->ref_count = 1;
  self->n_users = n_users;
  self->n_items = n_items;
  self->nnz = cells.nnz;
  self->indptr = g_steal_pointer (&indptr);
  self->indices = g_renew (guint, cells.indices, MAX (cells.nnz, 1));
  self->values = g_renew (float, cells.values, MAX (cells.nnz, 1));
  self->times = g_renew (gint64, cells.times, MAX (cells.nnz, 1));
  self->user_ids = g_steal_pointer (&user_ids);
  self->item_ids = g_steal_pointer (&item_ids);
  interactions_index (self);
  return self;
}
