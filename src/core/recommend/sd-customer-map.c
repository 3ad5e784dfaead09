/* sd-customer-map.c — similarity heatmap and map of taste of a shop's customers */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sd-als.h"
#include "sd-cluster.h"
#include "sd-customer-map.h"
#include "sd-error.h"
#include "sd-interactions.h"
#include "sd-embed.h"
#include "sd-model-store.h"
#include "sd-pca.h"
#include "sd-seriation.h"

#define DEFAULT_SIMILAR 200
#define DEFAULT_POINTS 3000
/* Categories shown by name on the map; the rest are grouped as "other". */
#define MAX_CATEGORIES 8
#define MIN_CLUSTERS 2
#define MAX_CLUSTERS 12
/* Rows the silhouette is measured on, when choosing k: enough to rank the k's, few enough
 * that trying eleven of them takes about a second on a few thousand customers. */
#define SILHOUETTE_SAMPLE 600
/* Neighbours kept by the layout, and counted by the recall that compares the maps. */
#define LAYOUT_NEIGHBOURS 15
#define RECALL_NEIGHBOURS 10

static void
colouring_free (SdCustomerColouring *c)
{
  g_free (c->id);
  g_free (c->values);
  g_strfreev (c->names);
  g_free (c);
}

void
sd_customer_map_free (SdCustomerMap *map)
{
  if (!map)
    return;
  g_free (map->similarity);
  g_strfreev (map->similar_labels);
  g_strfreev (map->similar_ids);
  g_free (map->similar_clusters);
  g_free (map->x);
  g_free (map->pca_xy);
  g_free (map->layout_xy);
  g_free (map->model);
  g_free (map->customer_ids);
  g_free (map->customer_cluster);
  g_free (map->factors);
  g_free (map->y);
  g_strfreev (map->labels);
  g_strfreev (map->external_ids);
  g_clear_pointer (&map->colourings, g_ptr_array_unref);
  g_free (map);
}

SdCustomerColouring *
sd_customer_map_get_colouring (SdCustomerMap *map,
                               const char    *id)
{
  g_return_val_if_fail (map != NULL, NULL);
  for (guint i = 0; i < map->colourings->len; i++)
    {
      SdCustomerColouring *c = g_ptr_array_index (map->colourings, i);
      if (g_strcmp0 (c->id, id) == 0)
        return c;
    }
  return NULL;
}

typedef struct {
  char *external_id;
  char *name;
  char *country;
  char *segment;
} Customer;

static void
customer_clear (Customer *c)
{
  g_free (c->external_id);
  g_free (c->name);
  g_free (c->country);
  g_free (c->segment);
}

static gboolean
read_customer (SdStore   *store,
               gint64     id,
               Customer  *out,
               GError   **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
    "SELECT external_id, name, country, segment FROM customers WHERE id = ?1", error);
  int rc;

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->external_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      out->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      out->country = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      out->segment = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      /* A matrix built a moment ago; the customer was deleted meanwhile. */
      out->external_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      return TRUE;
    }
  return sd_store_fail (store, _("Could not read a customer"), error);
}

static char *
customer_label (const Customer *c)
{
  /* Hashed names (a shop imported with hashing) are 64 hex digits: the id says more. */
  if (c->name && *c->name && strlen (c->name) < 64)
    return g_strdup (c->name);
  return g_strdup (c->external_id);
}

/* Categories by frequency, the most common MAX_CATEGORIES − 1 named and the rest "other"
 * (only when there are more than MAX_CATEGORIES). Empty values are "". */
static SdCustomerColouring *
colouring_from_strings (const char  *id,
                        char       **values,
                        guint        n)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  SdCustomerColouring *c = g_new0 (SdCustomerColouring, 1);
  guint shown, other = G_MAXUINT;

  for (guint i = 0; i < n; i++)
    {
      const char *v = values[i] ? values[i] : "";
      gpointer old = g_hash_table_lookup (counts, v);
      if (!old)
        g_ptr_array_add (keys, (gpointer) v);
      g_hash_table_insert (counts, (gpointer) v, GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
    }
  /* Most common first; ties by name so the legend is stable. */
  for (guint i = 1; i < keys->len; i++)
    for (guint j = i; j > 0; j--)
      {
        const char *a = keys->pdata[j - 1], *b = keys->pdata[j];
        guint ca = GPOINTER_TO_UINT (g_hash_table_lookup (counts, a));
        guint cb = GPOINTER_TO_UINT (g_hash_table_lookup (counts, b));
        if (ca > cb || (ca == cb && strcmp (a, b) <= 0))
          break;
        keys->pdata[j - 1] = (gpointer) b;
        keys->pdata[j] = (gpointer) a;
      }
  shown = keys->len > MAX_CATEGORIES ? MAX_CATEGORIES - 1 : keys->len;
  for (guint i = 0; i < shown; i++)
    {
      g_hash_table_insert (index, keys->pdata[i], GUINT_TO_POINTER (i));
      g_strv_builder_add (names, keys->pdata[i]);
    }
  if (shown < keys->len)
    {
      other = shown;
      g_strv_builder_add (names, "other");
    }

  c->id = g_strdup (id);
  c->values = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      const char *v = values[i] ? values[i] : "";
      gpointer found;
      if (g_hash_table_lookup_extended (index, v, NULL, &found))
        c->values[i] = GPOINTER_TO_UINT (found);
      else
        c->values[i] = other;
    }
  c->names = g_strv_builder_end (names);
  return c;
}

static int
compare_activity (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  SdInteractions *m = user_data;
  guint ua = *(const guint *) a, ub = *(const guint *) b;
  gsize na = m->indptr[ua + 1] - m->indptr[ua];
  gsize nb = m->indptr[ub + 1] - m->indptr[ub];

  if (na != nb)
    return na > nb ? -1 : 1;
  return ua < ub ? -1 : ua > ub;
}

static double
row_dot (SdInteractions *m,
         guint           a,
         guint           b)
{
  gsize i = m->indptr[a], ie = m->indptr[a + 1];
  gsize j = m->indptr[b], je = m->indptr[b + 1];
  double s = 0;

  while (i < ie && j < je)
    {
      if (m->indices[i] == m->indices[j])
        s += (double) m->values[i++] * m->values[j++];
      else if (m->indices[i] < m->indices[j])
        i++;
      else
        j++;
    }
  return s;
}

static gboolean
compute_similarity (SdCustomerMap  *map,
                    SdInteractions *m,
                    const guint    *users,
                    guint           n,
                    char          **labels,
                    char          **ids,
                    const guint    *clusters,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_autofree double *sim = g_new (double, (gsize) n * n);
  g_autofree double *norm = g_new (double, n);
  g_autofree guint *order = g_new (guint, n);
  double total = 0;

  for (guint i = 0; i < n; i++)
    norm[i] = sqrt (row_dot (m, users[i], users[i]));
  for (guint i = 0; i < n; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      sim[(gsize) i * n + i] = 1.0;
      for (guint j = i + 1; j < n; j++)
        {
          double s = norm[i] > 0 && norm[j] > 0 ? row_dot (m, users[i], users[j]) / (norm[i] * norm[j]) : 0;
          sim[(gsize) i * n + j] = sim[(gsize) j * n + i] = s;
          total += 2 * s;
        }
    }
  sd_seriation_order (sim, n, order);
  /* Clusters as contiguous blocks, in id order, each keeping the seriated order inside
   * it: the heatmap can then name its blocks. Insertion sort is stable. */
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && clusters[order[j - 1]] > clusters[order[j]]; j--)
      {
        guint t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }

  map->n_similar = n;
  map->similar_mean = n > 1 ? total / ((double) n * (n - 1)) : NAN;
  map->similarity = g_new (double, (gsize) n * n);
  map->similar_labels = g_new0 (char *, n + 1);
  map->similar_ids = g_new0 (char *, n + 1);
  map->similar_clusters = g_new (guint, n);
  for (guint a = 0; a < n; a++)
    {
      map->similar_clusters[a] = clusters[order[a]];
      for (guint b = 0; b < n; b++)
        map->similarity[(gsize) a * n + b] = sim[(gsize) order[a] * n + order[b]];
      map->similar_labels[a] = g_strdup (labels[order[a]]);
      map->similar_ids[a] = g_strdup (ids[order[a]]);
    }
  return TRUE;
}

/* The user factors of the stored ALS, or of a small one trained now. */
static SdRecommender *
get_als (SdStore         *store,
         SdInteractions  *m,
         gboolean         use_stored,
         SdJob           *job,
         GCancellable    *cancellable,
         gboolean        *trained,
         gint64          *model_id,
         GError         **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(SdRecommender) model = use_stored ? sd_model_store_load (store, "als", m, model_id, &local) : NULL;
  SdFitContext context = { NULL, cancellable, NULL, NULL };
  /* Strongly regularised, with mild confidence: on the demo shop these factors separate
   * the planted taste groups (adjusted Rand index about 0.8 against 0.1 for the
   * recommendation defaults), which is what a map of taste is for. */
  static const char *const params[][2] = {
    { "factors", "16" }, { "reg", "20" }, { "alpha", "2" }, { "iterations", "6" },
    { "threads", "1" }, { "seed", "1" },
  };

  *trained = FALSE;
  if (model && SD_IS_ALS (model) && sd_recommender_is_fitted (model))
    return g_steal_pointer (&model);
  if (local && !g_error_matches (local, SD_ERROR, SD_ERROR_NOT_FOUND) &&
      !g_error_matches (local, SD_ERROR, SD_ERROR_INVALID_INPUT))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  g_clear_object (&model);
  model = sd_als_new ();
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    if (!sd_recommender_set_param (model, params[i][0], params[i][1], error))
      return NULL;
  if (job)
    sd_job_set_progress (job, 0.3, _("Training a small ALS model for the map"));
  if (!sd_recommender_fit (model, m, &context, error))
    return NULL;
  *trained = TRUE;
  return g_steal_pointer (&model);
}

/* Cluster ids by size, largest first, ties by the smallest customer id in the cluster:
 * the same clustering always gets the same numbers, whatever k-means called them. */
static void
number_by_size (guint        *labels,
                const gint64 *ids,
                gsize         n,
                guint         k)
{
  g_autofree gsize *size = g_new0 (gsize, k);
  g_autofree gint64 *first = g_new (gint64, k);
  g_autofree guint *rank = g_new (guint, k);
  g_autofree guint *by_rank = g_new (guint, k);

  for (guint c = 0; c < k; c++)
    {
      first[c] = G_MAXINT64;
      by_rank[c] = c;
    }
  for (gsize i = 0; i < n; i++)
    {
      size[labels[i]]++;
      first[labels[i]] = MIN (first[labels[i]], ids[i]);
    }
  for (guint i = 1; i < k; i++)
    for (guint j = i; j > 0; j--)
      {
        guint a = by_rank[j - 1], b = by_rank[j];
        if (size[a] > size[b] || (size[a] == size[b] && first[a] <= first[b]))
          break;
        by_rank[j - 1] = b;
        by_rank[j] = a;
      }
  for (guint r = 0; r < k; r++)
    rank[by_rank[r]] = r;
  for (gsize i = 0; i < n; i++)
    labels[i] = rank[labels[i]];
}

static void
layout_progress (double   fraction,
                 gpointer user_data)
{
  sd_job_set_progress (user_data, 0.7 + 0.25 * fraction, _("Laying out the map so that neighbours stay near"));
}

SdCustomerMap *
sd_customer_map_compute (SdStore       *store,
                         guint          max_similar,
                         guint          max_points,
                         gboolean       use_stored,
                         guint          k,
                         SdJob         *job,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(SdCustomerMap) map = g_new0 (SdCustomerMap, 1);
  g_autoptr(SdInteractions) m = NULL;
  g_autoptr(SdRecommender) als = NULL;
  g_autofree guint *users = NULL;
  g_autofree Customer *customers = NULL;
  g_autofree guint *clusters = NULL;
  g_autofree char **countries = NULL;
  g_autofree char **segments = NULL;
  SdInteractionWeights weights;
  guint n_active = 0, n_points = 0, n_similar, n_users, nf;
  gint64 model_id = 0;
  gboolean ok = FALSE;

  map->colourings = g_ptr_array_new_with_free_func ((GDestroyNotify) colouring_free);
  map->recall_pca = map->recall_layout = NAN;
  max_similar = max_similar ? max_similar : DEFAULT_SIMILAR;
  max_points = max_points ? max_points : DEFAULT_POINTS;

  if (job)
    sd_job_set_progress (job, 0.0, _("Reading the shop"));
  sd_interactions_weights_default (&weights);
  if (!(m = sd_interactions_from_store (store, &weights, cancellable, error)))
    return NULL;
  {
    SdStoreStats stats;
    if (!sd_store_get_stats (store, &stats, error))
      return NULL;
    memcpy (map->events, stats.events, sizeof map->events);
  }

  users = g_new (guint, MAX (m->n_users, 1));
  for (guint u = 0; u < m->n_users; u++)
    if (m->indptr[u + 1] > m->indptr[u])
      users[n_active++] = u;
  map->n_customers = n_active;
  if (n_active < 3)
    {
      map->n_customers = 0;
      return g_steal_pointer (&map);   /* nothing to map: the caller shows an empty state */
    }
  g_qsort_with_data (users, n_active, sizeof (guint), compare_activity, m);

  if (!(als = get_als (store, m, use_stored, job, cancellable, &map->trained_als, &model_id, error)))
    return NULL;
  map->model = map->trained_als ? g_strdup ("map") : g_strdup_printf ("als:%" G_GINT64_FORMAT, model_id);
  if (!sd_als_get_user_shape (SD_ALS (als), &n_users, &map->n_factors) ||
      n_users != m->n_users || map->n_factors < 2)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The ALS model has no usable customer factors; train it again on the Training page"));
      return NULL;
    }
  nf = map->n_factors;

  /* Direction, not length: length mostly says how active a customer is. */
  map->customer_ids = g_new (gint64, n_active);
  map->factors = g_new (double, (gsize) n_active * nf);
  for (guint i = 0; i < n_active; i++)
    {
      double *row = map->factors + (gsize) i * nf;
      double norm = 0;

      sd_als_copy_user_factors (SD_ALS (als), users[i], 1, row);
      map->customer_ids[i] = m->user_ids[users[i]];
      for (guint f = 0; f < nf; f++)
        norm += row[f] * row[f];
      norm = norm > 0 ? sqrt (norm) : 1;
      for (guint f = 0; f < nf; f++)
        map->factors[(gsize) i * nf + f] = row[f] / norm;
    }

  /* k by the silhouette: the k whose clusters are tightest against their neighbours. */
  if (job)
    sd_job_set_progress (job, 0.4, _("Finding groups of customers with a shared taste"));
  map->customer_cluster = g_new (guint, n_active);
  if (k == 0)
    {
      g_autofree guint *trial = g_new (guint, n_active);
      double best = -INFINITY;
      guint top = MIN (MAX_CLUSTERS, n_active - 1);

      map->k_chosen = TRUE;
      for (guint t = MIN_CLUSTERS; t <= top; t++)
        {
          double s;
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          sd_kmeans (map->factors, n_active, nf, t, 1, 2, 100, trial, NULL);
          s = sd_cluster_silhouette (map->factors, n_active, nf, trial, t, SILHOUETTE_SAMPLE);
          if (s > best)
            {
              best = s;
              k = t;
              memcpy (map->customer_cluster, trial, n_active * sizeof (guint));
            }
          if (job)
            sd_job_set_progress (job, 0.4 + 0.2 * (t - MIN_CLUSTERS + 1) / (top - MIN_CLUSTERS + 1),
                                 _("Finding groups of customers with a shared taste"));
        }
    }
  else
    {
      k = MIN (k, n_active);
      sd_kmeans (map->factors, n_active, nf, k, 1, 4, 100, map->customer_cluster, NULL);
    }
  /* The chosen k again with more starts, for the best clustering of that size. */
  if (map->k_chosen)
    sd_kmeans (map->factors, n_active, nf, k, 1, 4, 100, map->customer_cluster, NULL);
  map->k = k;
  number_by_size (map->customer_cluster, map->customer_ids, n_active, k);
  map->silhouette = sd_cluster_silhouette (map->factors, n_active, nf, map->customer_cluster, k, 2 * SILHOUETTE_SAMPLE);

  n_points = MIN (n_active, max_points);
  n_similar = MIN (n_points, max_similar);
  clusters = g_memdup2 (map->customer_cluster, n_points * sizeof (guint));
  customers = g_new0 (Customer, n_points);
  map->labels = g_new0 (char *, n_points + 1);
  map->external_ids = g_new0 (char *, n_points + 1);
  countries = g_new0 (char *, n_points);
  segments = g_new0 (char *, n_points);
  for (guint i = 0; i < n_points; i++)
    {
      if (!read_customer (store, map->customer_ids[i], &customers[i], error))
        goto out;
      map->labels[i] = customer_label (&customers[i]);
      map->external_ids[i] = g_strdup (customers[i].external_id);
      countries[i] = customers[i].country;
      segments[i] = customers[i].segment;
    }

  if (job)
    sd_job_set_progress (job, 0.65, _("Comparing the most active customers"));
  if (!compute_similarity (map, m, users, n_similar, map->labels, map->external_ids, clusters, cancellable, error))
    goto out;

  if (job)
    sd_job_set_progress (job, 0.7, _("Placing the customers on the map"));
  map->pca_xy = g_new (double, (gsize) n_points * 2);
  if (!sd_pca_project (map->factors, n_points, nf, 2, map->pca_xy, map->explained, error))
    goto out;
  map->layout_xy = g_new (double, (gsize) n_points * 2);
  if (!sd_embed_layout (map->factors, n_points, nf, LAYOUT_NEIGHBOURS, 0, 1, map->pca_xy, map->layout_xy,
                        job ? layout_progress : NULL, job, cancellable, error))
    goto out;
  if (job)
    sd_job_set_progress (job, 0.95, _("Measuring how well each map keeps neighbours"));
  map->recall_pca = sd_embed_knn_recall (map->factors, n_points, nf, map->pca_xy, RECALL_NEIGHBOURS);
  map->recall_layout = sd_embed_knn_recall (map->factors, n_points, nf, map->layout_xy, RECALL_NEIGHBOURS);
  map->chose_layout = map->recall_layout > map->recall_pca;
  map->n_points = n_points;
  map->x = g_new (double, n_points);
  map->y = g_new (double, n_points);
  for (guint i = 0; i < n_points; i++)
    {
      const double *xy = map->chose_layout ? map->layout_xy : map->pca_xy;
      map->x[i] = xy[2 * i];
      map->y[i] = xy[2 * i + 1];
    }

  g_ptr_array_add (map->colourings, colouring_from_strings ("segment", segments, n_points));
  g_ptr_array_add (map->colourings, colouring_from_strings ("country", countries, n_points));
  {
    SdCustomerColouring *c = g_new0 (SdCustomerColouring, 1);
    c->id = g_strdup ("cluster");
    c->values = g_steal_pointer (&clusters);
    c->names = g_new0 (char *, map->k + 1);
    for (guint i = 0; i < map->k; i++)
      c->names[i] = g_strdup_printf ("%u", i + 1);
    g_ptr_array_add (map->colourings, c);
  }
  ok = TRUE;

out:
  for (guint i = 0; customers && i < n_points; i++)
    customer_clear (&customers[i]);
  return ok ? g_steal_pointer (&map) : NULL;
}

int
sd_customer_map_cluster_of (SdCustomerMap *map,
                            gint64         customer_id)
{
  g_return_val_if_fail (map != NULL, -1);
  for (guint i = 0; i < map->n_customers; i++)
    if (map->customer_ids[i] == customer_id)
      return (int) map->customer_cluster[i];
  return -1;
}

typedef struct {
  char          *db_path;
  guint          max_similar;
  guint          max_points;
  gboolean       use_stored;
  guint          k;
  SdCustomerMap *result;
} MapData;

static void
map_data_free (MapData *d)
{
  g_free (d->db_path);
  sd_customer_map_free (d->result);
  g_free (d);
}

static gboolean
map_func (SdJob         *job,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  MapData *d = data;
  g_autoptr(SdStore) store = sd_store_open (d->db_path, error);

  if (!store)
    return FALSE;
  d->result = sd_customer_map_compute (store, d->max_similar, d->max_points, d->use_stored, d->k, job, cancellable, error);
  if (d->result)
    sd_job_set_progress (job, 1.0, _("Done"));
  return d->result != NULL;
}

SdJob *
sd_customer_map_job_new (const char *db_path,
                         guint       max_similar,
                         guint       max_points,
                         gboolean    use_stored,
                         guint       k)
{
  MapData *d = g_new0 (MapData, 1);

  g_return_val_if_fail (db_path != NULL, NULL);
  d->db_path = g_strdup (db_path);
  d->max_similar = max_similar;
  d->max_points = max_points;
  d->use_stored = use_stored;
  d->k = k;
  return sd_job_new (_("Mapping customers"), map_func, d, (GDestroyNotify) map_data_free);
}

SdCustomerMap *
sd_customer_map_job_steal_result (SdJob *job)
{
  MapData *d = sd_job_get_data (job);
  return d ? g_steal_pointer (&d->result) : NULL;
}
