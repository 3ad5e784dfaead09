/* sd-fairness.c — quality per group with bootstrap intervals, exposure, popularity bias */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-eval.h"
#include "sd-fairness.h"
#include "sd-figures.h"
#include "sd-model-registry.h"
#include "sd-model-store.h"
#include "sd-random.h"
#include "sd-rfm.h"
#include "sd-split.h"

/* The seed of the Training page's validation split, so the figures read as its do. */
#define HOLDOUT_SEED 1
#define LIST_K 10
#define RECALL_K 20
/* Groups smaller than this get no interval: a handful of customers says nothing. */
#define MIN_GROUP 5

/* ---- freeing ------------------------------------------------------------------------------ */

static void
group_free (SdFairnessGroup *g)
{
  g_free (g->label);
  g_free (g);
}

static void
dimension_free (SdFairnessDimension *d)
{
  g_free (d->by);
  g_free (d->best);
  g_clear_pointer (&d->groups, g_ptr_array_unref);
  g_free (d);
}

static void
category_free (SdFairnessCategory *c)
{
  g_free (c->category);
  g_free (c);
}

static void
figures_free (SdFairnessFigures *f)
{
  if (!f)
    return;
  g_clear_pointer (&f->dimensions, g_ptr_array_unref);
  g_clear_pointer (&f->categories, g_ptr_array_unref);
  g_free (f);
}

void
sd_fairness_report_free (SdFairnessReport *report)
{
  if (!report)
    return;
  g_free (report->algorithm);
  g_free (report->label);
  g_free (report->source);
  g_free (report->sales_basis);
  figures_free (report->before);
  figures_free (report->after);
  g_free (report);
}

const char *
sd_fairness_dimension_title (const char *by)
{
  if (g_strcmp0 (by, "segment") == 0)
    return _("Tier");
  if (g_strcmp0 (by, "country") == 0)
    return _("Country");
  if (g_strcmp0 (by, "rfm") == 0)
    return _("RFM group");
  if (g_strcmp0 (by, "customer") == 0)
    return _("New or returning");
  if (g_strcmp0 (by, "activity") == 0)
    return _("Light or heavy buyers");
  if (g_strcmp0 (by, "gender") == 0)
    return _("Gender");
  return by;
}

const SdFairnessDimension *
sd_fairness_figures_dimension (const SdFairnessFigures *figures,
                               const char              *by)
{
  for (guint d = 0; figures && d < figures->dimensions->len; d++)
    {
      const SdFairnessDimension *dim = g_ptr_array_index (figures->dimensions, d);
      if (g_strcmp0 (dim->by, by) == 0)
        return dim;
    }
  return NULL;
}

/* ---- serving every customer -------------------------------------------------------------- */

typedef struct {
  SdRecommender       *model;
  SdInteractions      *train;
  SdInteractions      *test;
  const SdRerankItems *items;
  const SdRerankSpec  *rerank;    /* NULL: no after */
  const guint         *users;
  guint                n_users;
  guint               *lists[2];  /* n_users × RECALL_K, G_MAXUINT padded: before, after */
  double              *ndcg[2];   /* NaN: no held-out item */
  double              *recall[2];
  gint                 next;
  gint                 done;
  SdJob               *job;
  GCancellable        *cancellable;
} Serve;

static void
measure_list (Serve       *s,
              guint        side,
              guint        e,
              guint        u,
              const guint *list,
              guint        n)
{
  const guint *rel = s->test->indices + s->test->indptr[u];
  guint n_rel = (guint) (s->test->indptr[u + 1] - s->test->indptr[u]);

  for (guint r = 0; r < RECALL_K; r++)
    s->lists[side][(gsize) e * RECALL_K + r] = r < n ? list[r] : G_MAXUINT;
  s->ndcg[side][e] = n_rel ? sd_metric_ndcg (list, n, rel, n_rel, LIST_K) : NAN;
  s->recall[side][e] = n_rel ? sd_metric_recall (list, n, rel, n_rel, RECALL_K) : NAN;
}

static gpointer
serve_worker (gpointer data)
{
  Serve *s = data;
  guint n_items = s->train->n_items;
  g_autofree float *scores = g_new (float, MAX (n_items, 1));
  guint list[RECALL_K];

  for (;;)
    {
      guint e = (guint) g_atomic_int_add (&s->next, 1);
      guint u, n;
      g_autoptr(GArray) top = NULL;

      if (e >= s->n_users || g_cancellable_is_cancelled (s->cancellable))
        break;
      u = s->users[e];
      sd_recommender_score (s->model, u, scores);
      sd_recommender_apply_filter (s->model, u, NULL, scores);
      top = sd_top_n (scores, n_items, RECALL_K);
      for (n = 0; n < top->len; n++)
        list[n] = g_array_index (top, SdScoredItem, n).item;
      measure_list (s, 0, e, u, list, n);
      if (s->rerank)
        {
          n = sd_rerank_list (s->items, s->train, u, s->rerank, scores, list, RECALL_K);
          measure_list (s, 1, e, u, list, n);
        }
      if (s->job && (g_atomic_int_add (&s->done, 1) & 63) == 0)
        sd_job_set_progress (s->job, 0.3 + 0.55 * g_atomic_int_get (&s->done) / s->n_users,
                             _("Recommending to every customer"));
    }
  return NULL;
}

/* ---- bootstrap ----------------------------------------------------------------------------- */

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (double *sorted,
            guint   n,
            double  p)
{
  double pos;
  guint lo;

  if (n == 0)
    return NAN;
  pos = p * (n - 1);
  lo = (guint) floor (pos);
  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
}

static double
mean_of (const double *values,
         const guint  *members,
         guint         n)
{
  double sum = 0.0;
  for (guint m = 0; m < n; m++)
    sum += values[members[m]];
  return n ? sum / n : NAN;
}

/* The interval of the mean of @values over @members, resampled @b times. */
static void
bootstrap_mean (const double *values,
                const guint  *members,
                guint         n,
                guint         b,
                guint64      *rng,
                double       *lo,
                double       *hi)
{
  g_autofree double *means = g_new (double, MAX (b, 1));

  if (n < MIN_GROUP)
    {
      *lo = *hi = NAN;
      return;
    }
  for (guint r = 0; r < b; r++)
    {
      double sum = 0.0;
      for (guint m = 0; m < n; m++)
        sum += values[members[sd_splitmix64 (rng) % n]];
      means[r] = sum / n;
    }
  qsort (means, b, sizeof (double), compare_doubles);
  *lo = percentile (means, b, 0.025);
  *hi = percentile (means, b, 0.975);
}

/* ---- groups ------------------------------------------------------------------------------- */

typedef struct {
  char  *by;
  char **labels;   /* per dense user, NULL: not in any group */
} Grouping;

static void
grouping_free (Grouping *g)
{
  g_free (g->by);
  g_free (g->labels);   /* the strings are interned */
  g_free (g);
}

static Grouping *
grouping_new (const char *by,
              guint       n_users)
{
  Grouping *g = g_new0 (Grouping, 1);
  g->by = g_strdup (by);
  g->labels = g_new0 (char *, MAX (n_users, 1));
  return g;
}

/* Every grouping the shop's data allows: those with fewer than two groups are dropped. */
static GPtrArray *
read_groupings (SdStore                 *store,
                SdInteractions          *all,
                SdInteractions          *train,
                const SdFairnessOptions *options,
                GError                 **error)
{
  static const char *const columns[] = { "segment", "country" };
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) grouping_free);
  g_autoptr(SdRfm) rfm = NULL;
  g_autofree gsize *sizes = NULL;
  g_autoptr(GArray) sorted = NULL;
  Grouping *rfm_g, *customer_g, *activity_g;
  gsize median;

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      char **labels = sd_eval_segments_from_store (store, all, columns[c], error);
      Grouping *g;
      if (!labels)
        return NULL;
      g = grouping_new (columns[c], all->n_users);
      for (guint u = 0; u < all->n_users; u++)
        g->labels[u] = labels[u] ? (char *) g_intern_string (labels[u]) : NULL;
      sd_eval_segments_free (labels, all->n_users);
      g_ptr_array_add (out, g);
    }

  if (!(rfm = sd_rfm_compute (store, options->cancellable, error)))
    return NULL;
  rfm_g = grouping_new ("rfm", all->n_users);
  customer_g = grouping_new ("customer", all->n_users);
  for (guint i = 0; i < rfm->n_customers; i++)
    {
      int u = sd_interactions_user_index (all, rfm->customer_ids[i]);
      if (u < 0)
        continue;
      rfm_g->labels[u] = (char *) g_intern_string (sd_rfm_group_id (rfm->group[i]));
      customer_g->labels[u] = (char *) g_intern_static_string (rfm->orders[i] > 1 ? "returning" : "new");
    }
  g_ptr_array_add (out, rfm_g);
  g_ptr_array_add (out, customer_g);

  /* Light or heavy by how much each customer has to learn from: the median splits them. */
  activity_g = grouping_new ("activity", all->n_users);
  sizes = g_new (gsize, MAX (train->n_users, 1));
  sorted = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint u = 0; u < train->n_users; u++)
    {
      double v;
      sizes[u] = train->indptr[u + 1] - train->indptr[u];
      v = (double) sizes[u];
      if (sizes[u])
        g_array_append_val (sorted, v);
    }
  g_array_sort (sorted, compare_doubles);
  median = sorted->len ? (gsize) g_array_index (sorted, double, sorted->len / 2) : 0;
  for (guint u = 0; u < train->n_users; u++)
    if (sizes[u])
      activity_g->labels[u] = (char *) g_intern_static_string (sizes[u] < median ? "light" : "heavy");
  g_ptr_array_add (out, activity_g);

  if (options->extra_groups)
    {
      GHashTableIter iter;
      gpointer key, value;
      g_autoptr(GHashTable) external = g_hash_table_new (NULL, NULL);
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT id, external_id FROM customers", error);
      int rc;

      if (!stmt)
        return NULL;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          int u = sd_interactions_user_index (all, sqlite3_column_int64 (stmt, 0));
          if (u >= 0)
            g_hash_table_insert (external, GINT_TO_POINTER (u + 1),
                                 (gpointer) g_intern_string ((const char *) sqlite3_column_text (stmt, 1)));
        }
      if (rc != SQLITE_DONE)
        {
          sd_store_fail (store, _("Could not read the customers"), error);
          return NULL;
        }
      g_hash_table_iter_init (&iter, options->extra_groups);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Grouping *g = grouping_new (key, all->n_users);
          for (guint u = 0; u < all->n_users; u++)
            {
              const char *ext = g_hash_table_lookup (external, GINT_TO_POINTER (u + 1));
              const char *label = ext ? g_hash_table_lookup (value, ext) : NULL;
              g->labels[u] = label ? (char *) g_intern_string (label) : NULL;
            }
          g_ptr_array_add (out, g);
        }
    }
  return g_steal_pointer (&out);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const SdFairnessGroup *x = *(SdFairnessGroup * const *) a, *y = *(SdFairnessGroup * const *) b;
  return g_strcmp0 (x->label, y->label);
}

static SdFairnessDimension *
dimension_compute (const Grouping *grouping,
                   const Serve    *s,
                   guint           side,
                   guint           n_bootstrap,
                   guint64         seed)
{
  g_autoptr(GHashTable) members = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autofree double *replicate = NULL;
  g_autofree double *gaps = NULL;
  SdFairnessDimension *dim;
  guint64 rng = seed;
  double best = -INFINITY;

  for (guint e = 0; e < s->n_users; e++)
    {
      const char *label = grouping->labels[s->users[e]];
      GArray *m;
      if (!label || isnan (s->ndcg[side][e]))
        continue;
      if (!(m = g_hash_table_lookup (members, label)))
        {
          m = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (members, (gpointer) label, m);
          g_ptr_array_add (keys, (gpointer) label);
        }
      g_array_append_val (m, e);
    }
  if (keys->len < 2)
    return NULL;

  dim = g_new0 (SdFairnessDimension, 1);
  dim->by = g_strdup (grouping->by);
  dim->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  for (guint k = 0; k < keys->len; k++)
    {
      GArray *m = g_hash_table_lookup (members, keys->pdata[k]);
      SdFairnessGroup *g = g_new0 (SdFairnessGroup, 1);
      g->label = g_strdup (keys->pdata[k]);
      g->n_users = m->len;
      g->ndcg = mean_of (s->ndcg[side], (const guint *) m->data, m->len);
      g->recall = mean_of (s->recall[side], (const guint *) m->data, m->len);
      bootstrap_mean (s->ndcg[side], (const guint *) m->data, m->len, n_bootstrap, &rng, &g->ndcg_lo, &g->ndcg_hi);
      g_ptr_array_add (dim->groups, g);
      /* The best among groups large enough to trust. */
      if (m->len >= MIN_GROUP && g->ndcg > best)
        {
          best = g->ndcg;
          g_free (dim->best);
          dim->best = g_strdup (g->label);
        }
    }

  /* The gap's interval: each replicate resamples every group, the best group then being
   * whichever is best in that replicate. */
  replicate = g_new (double, keys->len);
  gaps = g_new (double, (gsize) keys->len * MAX (n_bootstrap, 1));
  for (guint r = 0; r < n_bootstrap; r++)
    {
      double top = -INFINITY;
      for (guint k = 0; k < keys->len; k++)
        {
          GArray *m = g_hash_table_lookup (members, keys->pdata[k]);
          double sum = 0.0;
          for (guint i = 0; i < m->len; i++)
            sum += s->ndcg[side][g_array_index (m, guint, sd_splitmix64 (&rng) % m->len)];
          replicate[k] = sum / m->len;
          if (m->len >= MIN_GROUP)
            top = MAX (top, replicate[k]);
        }
      for (guint k = 0; k < keys->len; k++)
        gaps[(gsize) k * n_bootstrap + r] = isfinite (top) ? top - replicate[k] : NAN;
    }
  for (guint k = 0; k < keys->len; k++)
    {
      SdFairnessGroup *g = g_ptr_array_index (dim->groups, k);
      double *row = gaps + (gsize) k * n_bootstrap;
      g->gap = isfinite (best) ? MAX (best - g->ndcg, 0.0) : NAN;
      if (g->n_users >= MIN_GROUP && isfinite (best) && n_bootstrap)
        {
          qsort (row, n_bootstrap, sizeof (double), compare_doubles);
          g->gap_lo = MAX (percentile (row, n_bootstrap, 0.025), 0.0);
          g->gap_hi = MAX (percentile (row, n_bootstrap, 0.975), 0.0);
          dim->max_gap = MAX (dim->max_gap, g->gap);
        }
      else
        g->gap_lo = g->gap_hi = NAN;
    }
  g_ptr_array_sort (dim->groups, compare_groups);
  return dim;
}

/* ---- exposure ----------------------------------------------------------------------------- */

static double
gini (const double *values,
      guint         n)
{
  g_autofree double *sorted = g_memdup2 (values, sizeof (double) * MAX (n, 1));
  double sum = 0.0, weighted = 0.0;

  if (n == 0)
    return NAN;
  qsort (sorted, n, sizeof (double), compare_doubles);
  for (guint i = 0; i < n; i++)
    {
      sum += sorted[i];
      weighted += (2.0 * (i + 1) - n - 1) * sorted[i];
    }
  return sum > 0.0 ? weighted / (n * sum) : 0.0;
}

static int
compare_categories (gconstpointer a,
                    gconstpointer b)
{
  const SdFairnessCategory *x = *(SdFairnessCategory * const *) a, *y = *(SdFairnessCategory * const *) b;
  if (x->sales != y->sales)
    return x->sales > y->sales ? -1 : 1;
  return g_strcmp0 (x->category, y->category);
}

static SdFairnessFigures *
figures_compute (const Serve       *s,
                 guint              side,
                 const gboolean    *recommendable,
                 const double      *sales,
                 GPtrArray         *groupings,
                 guint              n_bootstrap,
                 guint64            seed)
{
  SdFairnessFigures *f = g_new0 (SdFairnessFigures, 1);
  const SdRerankItems *items = s->items;
  guint n_items = s->train->n_items;
  g_autofree double *slots = g_new0 (double, MAX (n_items, 1));
  g_autofree double *cat_slots = g_new0 (double, items->n_categories + 1);
  g_autofree double *cat_sales = g_new0 (double, items->n_categories + 1);
  g_autofree double *recommendable_slots = NULL;
  g_autoptr(GArray) evaluated = g_array_new (FALSE, FALSE, sizeof (guint));
  double total = 0.0, tail = 0.0, fresh = 0.0, sales_total = 0.0;
  double rec_pop = 0.0, bought_pop = 0.0;
  guint n_pop = 0, n_covered = 0, n_recommendable = 0;
  guint64 rng = seed;

  for (guint e = 0; e < s->n_users; e++)
    {
      guint u = s->users[e];
      double list_pop = 0.0, have_pop = 0.0;
      guint n_list = 0;

      if (!isnan (s->ndcg[side][e]))
        g_array_append_val (evaluated, e);
      for (guint r = 0; r < LIST_K; r++)
        {
          guint item = s->lists[side][(gsize) e * RECALL_K + r];
          if (item == G_MAXUINT)
            break;
          slots[item] += 1.0;
          total += 1.0;
          tail += items->tail[item];
          fresh += items->is_new[item];
          if (items->category[item] >= 0)
            cat_slots[items->category[item]] += 1.0;
          list_pop += (double) items->popularity[item] / s->train->n_users;
          n_list++;
        }
      for (gsize k = s->train->indptr[u]; k < s->train->indptr[u + 1]; k++)
        have_pop += (double) items->popularity[s->train->indices[k]] / s->train->n_users;
      if (n_list && s->train->indptr[u + 1] > s->train->indptr[u])
        {
          rec_pop += list_pop / n_list;
          bought_pop += have_pop / (s->train->indptr[u + 1] - s->train->indptr[u]);
          n_pop++;
        }
    }

  f->n_evaluated = evaluated->len;
  f->n_slots = (guint64) total;
  f->ndcg = mean_of (s->ndcg[side], (const guint *) evaluated->data, evaluated->len);
  f->recall = mean_of (s->recall[side], (const guint *) evaluated->data, evaluated->len);
  bootstrap_mean (s->ndcg[side], (const guint *) evaluated->data, evaluated->len, n_bootstrap, &rng,
                  &f->ndcg_lo, &f->ndcg_hi);

  recommendable_slots = g_new0 (double, MAX (n_items, 1));
  for (guint i = 0; i < n_items; i++)
    if (recommendable[i])
      {
        recommendable_slots[n_recommendable++] = slots[i];
        n_covered += slots[i] > 0;
      }
  f->coverage = n_recommendable ? (double) n_covered / n_recommendable : NAN;
  f->gini = gini (recommendable_slots, n_recommendable);
  f->tail_share = total > 0 ? tail / total : NAN;
  f->new_share = items->has_new && total > 0 ? fresh / total : NAN;
  f->rec_popularity = n_pop ? rec_pop / n_pop : NAN;
  f->bought_popularity = n_pop ? bought_pop / n_pop : NAN;
  f->popularity_lift = f->bought_popularity > 0 ? f->rec_popularity / f->bought_popularity : NAN;

  for (guint i = 0; i < n_items; i++)
    if (items->category[i] >= 0)
      {
        cat_sales[items->category[i]] += sales[i];
        sales_total += sales[i];
      }
  f->categories = g_ptr_array_new_with_free_func ((GDestroyNotify) category_free);
  for (guint c = 0; c < items->n_categories; c++)
    {
      SdFairnessCategory *cat = g_new0 (SdFairnessCategory, 1);
      cat->category = g_strdup (items->categories[c]);
      cat->recommended = total > 0 ? cat_slots[c] / total : NAN;
      cat->sales = sales_total > 0 ? cat_sales[c] / sales_total : NAN;
      g_ptr_array_add (f->categories, cat);
    }
  g_ptr_array_sort (f->categories, compare_categories);

  f->dimensions = g_ptr_array_new_with_free_func ((GDestroyNotify) dimension_free);
  for (guint g = 0; g < groupings->len; g++)
    {
      SdFairnessDimension *dim = dimension_compute (g_ptr_array_index (groupings, g), s, side,
                                                    n_bootstrap, seed + g + 1);
      if (dim)
        g_ptr_array_add (f->dimensions, dim);
    }
  return f;
}

/* Units sold of each item (sd-figures.h's lines that count, merchandise); FALSE when the
 * shop has no sales, and the caller then weighs items by their interactions. */
static gboolean
read_sales (SdStore        *store,
            SdInteractions *train,
            double         *sales,
            GError        **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT l.product_id, sum(l.quantity) FROM order_lines l"
      " JOIN orders o ON o.id = l.order_id"
      " LEFT JOIN products p ON p.id = l.product_id"
      " WHERE l.product_id IS NOT NULL AND " SD_SQL_LINE_COUNTS ("o", "l")
      " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
      " GROUP BY l.product_id", error);
  gboolean any = FALSE;
  int rc;

  if (!stmt)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int i = sd_interactions_item_index (train, sqlite3_column_int64 (stmt, 0));
      double units = (double) sqlite3_column_int64 (stmt, 1);
      if (i >= 0 && units > 0)
        {
          sales[i] = units;
          any = TRUE;
        }
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the shop’s sales"), error);
      return FALSE;
    }
  return any;
}

/* ---- the model ---------------------------------------------------------------------------- */

static SdRecommender *
choose_model (SdStore                 *store,
              const SdFairnessOptions *options,
              SdInteractions          *train,
              SdFairnessReport        *report,
              GError                 **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(SdModelInfo) info = NULL;
  gint64 id = options->model_id;

  if (id == 0)
    {
      id = sd_model_store_live_recommender_id (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, error);
      if (id < 0)
        return NULL;
      report->source = g_strdup (id ? "live" : "stored");
    }
  else
    report->source = g_strdup ("stored");

  if (id == 0)
    {
      /* No live model: the newest stored one, as the chatbot and coupon interest take. */
      g_autoptr(GPtrArray) models = sd_model_registry_list (store, error);
      if (!models)
        return NULL;
      for (guint m = 0; m < models->len && id == 0; m++)
        {
          SdModelInfo *candidate = g_ptr_array_index (models, m);
          if (g_strcmp0 (candidate->kind, "recommender") == 0)
            id = candidate->id;
        }
    }
  if (id == 0)
    {
      /* A shop without a trained model is measured with the model `recommend` would use. */
      const char *name = train->n_items <= 5000 ? "ease" : "itemknn";
      g_free (report->source);
      report->source = g_strdup ("default");
      report->algorithm = g_strdup (name);
      report->label = g_strdup (name);
      return sd_recommender_new (name, error);
    }

  if (!(info = sd_model_registry_get (store, id, error)))
    return NULL;
  report->model_id = id;
  report->algorithm = g_strdup (info->algorithm);
  report->label = g_strdup (info->label);
  if (!options->no_saved && !sd_rerank_spec_is_active (&options->rerank))
    {
      g_autofree char *saved = sd_model_registry_get_rerank (store, id, &local);
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (saved)
        sd_rerank_spec_parse (saved, &report->rerank, NULL);
    }
  return sd_model_store_load_id (store, id, train, error);
}

/* ---- the report --------------------------------------------------------------------------- */

SdFairnessReport *
sd_fairness_compute (SdStore                 *store,
                     const SdFairnessOptions *options,
                     GError                 **error)
{
  SdFairnessOptions defaults = { 0 };
  g_autoptr(SdFairnessReport) report = g_new0 (SdFairnessReport, 1);
  g_autoptr(SdInteractions) all = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdRerankItems) items = NULL;
  g_autoptr(GPtrArray) groupings = NULL;
  g_autoptr(GArray) users = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autofree gboolean *recommendable = NULL;
  g_autofree double *sales = NULL;
  g_autofree double *sales_items = NULL;
  SdFitContext fit = { NULL };
  SdSplit split = { NULL };
  Serve s = { NULL };
  gint64 start = g_get_monotonic_time ();
  double sales_total = 0.0, sales_tail = 0.0, sales_new = 0.0;
  gboolean ok = FALSE;
  guint n_rec = 0;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  if (!options)
    options = &defaults;
  report->rerank = options->rerank;
  report->n_bootstrap = options->n_bootstrap ? options->n_bootstrap : 200;

  if (options->job)
    sd_job_set_progress (options->job, 0.0, _("Reading the shop"));
  if (!(all = sd_interactions_from_store (store, NULL, options->cancellable, error)))
    return NULL;
  if (all->nnz == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The shop has no purchases, views or reviews to recommend from"));
      return NULL;
    }
  sd_split_random_holdout (all, 0.2, HOLDOUT_SEED, &split);

  if (!(model = choose_model (store, options, split.train, report, error)) ||
      !(catalog = sd_catalog_from_store (store, split.train, NULL, error)))
    goto out;
  sd_recommender_set_catalog (model, catalog);
  if (options->job)
    sd_job_set_progress (options->job, 0.05, _("Refitting the model on the training part"));
  fit.job = NULL;
  fit.cancellable = options->cancellable;
  if (!sd_recommender_fit (model, split.train, &fit, error))
    goto out;

  if (options->job)
    sd_job_set_progress (options->job, 0.25, _("Reading customer groups"));
  if (!(items = sd_rerank_items_from_store (store, split.train, catalog, error)) ||
      !(groupings = read_groupings (store, all, split.train, options, error)))
    goto out;

  /* Customers with something to learn from, evenly spaced when capped. */
  for (guint u = 0; u < split.train->n_users; u++)
    if (split.train->indptr[u + 1] > split.train->indptr[u])
      g_array_append_val (users, u);
  if (options->max_users && users->len > options->max_users)
    {
      for (guint e = 0; e < options->max_users; e++)
        g_array_index (users, guint, e) = g_array_index (users, guint, (guint64) e * users->len / options->max_users);
      g_array_set_size (users, options->max_users);
    }
  report->n_served = users->len;

  s.model = model;
  s.train = split.train;
  s.test = split.test;
  s.items = items;
  s.rerank = sd_rerank_spec_is_active (&report->rerank) ? &report->rerank : NULL;
  s.users = (const guint *) users->data;
  s.n_users = users->len;
  s.job = options->job;
  s.cancellable = options->cancellable;
  for (guint side = 0; side < 2; side++)
    {
      s.lists[side] = g_new (guint, (gsize) MAX (s.n_users, 1) * RECALL_K);
      s.ndcg[side] = g_new (double, MAX (s.n_users, 1));
      s.recall[side] = g_new (double, MAX (s.n_users, 1));
    }
  for (guint t = 1; t < MIN (2, MAX (s.n_users / 64, 1)); t++)
    g_ptr_array_add (threads, g_thread_new ("sd-fairness", serve_worker, &s));
  serve_worker (&s);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
  if (g_cancellable_set_error_if_cancelled (options->cancellable, error))
    goto out;

  if (options->job)
    sd_job_set_progress (options->job, 0.9, _("Measuring exposure and groups"));
  recommendable = g_new0 (gboolean, MAX (split.train->n_items, 1));
  for (guint i = 0; i < split.train->n_items; i++)
    {
      recommendable[i] = !catalog->items[i].off_sale;
      n_rec += recommendable[i];
      report->n_tail += recommendable[i] && items->tail[i];
      report->n_new += recommendable[i] && items->is_new[i];
      report->n_categorised += recommendable[i] && catalog->items[i].category && *catalog->items[i].category;
      report->n_tagged += recommendable[i] && catalog->items[i].tags && *catalog->items[i].tags;
    }
  report->n_items = n_rec;
  report->has_new = items->has_new;

  sales = g_new0 (double, MAX (split.train->n_items, 1));
  {
    g_autoptr(GError) local = NULL;
    if (read_sales (store, all, sales, &local))
      report->sales_basis = g_strdup ("orders");
    else if (local)
      {
        g_propagate_error (error, g_steal_pointer (&local));
        goto out;
      }
    else
      {
        /* No sales (MovieLens, a catalogue of views): what customers chose instead. */
        g_autofree guint *counts = sd_interactions_item_counts (all);
        for (guint i = 0; i < all->n_items; i++)
          sales[i] = counts[i];
        report->sales_basis = g_strdup ("interactions");
      }
  }
  for (guint i = 0; i < split.train->n_items; i++)
    {
      sales_total += sales[i];
      sales_tail += items->tail[i] ? sales[i] : 0.0;
      sales_new += items->is_new[i] ? sales[i] : 0.0;
    }
  sales_items = g_new0 (double, MAX (n_rec, 1));
  for (guint i = 0, r = 0; i < split.train->n_items; i++)
    if (recommendable[i])
      sales_items[r++] = sales[i];
  report->sales_tail_share = sales_total > 0 ? sales_tail / sales_total : NAN;
  report->sales_new_share = items->has_new && sales_total > 0 ? sales_new / sales_total : NAN;
  report->sales_gini = gini (sales_items, n_rec);

  report->before = figures_compute (&s, 0, recommendable, sales, groupings, report->n_bootstrap, options->seed);
  if (s.rerank)
    report->after = figures_compute (&s, 1, recommendable, sales, groupings, report->n_bootstrap, options->seed);
  else
    report->rerank.kind = SD_RERANK_NONE;
  ok = TRUE;

out:
  for (guint side = 0; side < 2; side++)
    {
      g_free (s.lists[side]);
      g_free (s.ndcg[side]);
      g_free (s.recall[side]);
    }
  sd_split_clear (&split);
  if (!ok)
    return NULL;
  report->seconds = (g_get_monotonic_time () - start) / 1e6;
  if (options->job)
    sd_job_set_progress (options->job, 1.0, NULL);
  return g_steal_pointer (&report);
}

/* ---- JSON and CSV ------------------------------------------------------------------------- */

static void
member_interval (SdJsonWriter *w,
                 const char   *key,
                 double        lo,
                 double        hi)
{
  sd_json_writer_key (w, key);
  sd_json_writer_begin_array (w);
  sd_json_writer_fixed (w, lo, 6);
  sd_json_writer_fixed (w, hi, 6);
  sd_json_writer_end_array (w);
}

static void
write_figures (SdJsonWriter            *w,
               const SdFairnessFigures *f)
{
  sd_json_writer_begin_object (w);
  sd_json_writer_member_fixed (w, "ndcg@10", f->ndcg, 6);
  member_interval (w, "ndcg@10_ci", f->ndcg_lo, f->ndcg_hi);
  sd_json_writer_member_fixed (w, "recall@20", f->recall, 6);
  sd_json_writer_member_int (w, "users_evaluated", f->n_evaluated);
  sd_json_writer_member_fixed (w, "coverage", f->coverage, 6);
  sd_json_writer_member_fixed (w, "gini", f->gini, 6);
  sd_json_writer_member_fixed (w, "long_tail_share", f->tail_share, 6);
  sd_json_writer_member_fixed (w, "new_share", f->new_share, 6);
  sd_json_writer_member_fixed (w, "recommended_popularity", f->rec_popularity, 6);
  sd_json_writer_member_fixed (w, "bought_popularity", f->bought_popularity, 6);
  sd_json_writer_member_fixed (w, "popularity_lift", f->popularity_lift, 6);

  sd_json_writer_key (w, "groups");
  sd_json_writer_begin_object (w);
  for (guint d = 0; d < f->dimensions->len; d++)
    {
      const SdFairnessDimension *dim = g_ptr_array_index (f->dimensions, d);
      sd_json_writer_key (w, dim->by);
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "best", dim->best);
      sd_json_writer_member_fixed (w, "max_gap", dim->max_gap, 6);
      sd_json_writer_key (w, "groups");
      sd_json_writer_begin_array (w);
      for (guint g = 0; g < dim->groups->len; g++)
        {
          const SdFairnessGroup *grp = g_ptr_array_index (dim->groups, g);
          sd_json_writer_begin_object (w);
          sd_json_writer_member_string (w, "label", grp->label);
          sd_json_writer_member_int (w, "users", grp->n_users);
          sd_json_writer_member_fixed (w, "ndcg@10", grp->ndcg, 6);
          member_interval (w, "ndcg@10_ci", grp->ndcg_lo, grp->ndcg_hi);
          sd_json_writer_member_fixed (w, "recall@20", grp->recall, 6);
          sd_json_writer_member_fixed (w, "gap", grp->gap, 6);
          member_interval (w, "gap_ci", grp->gap_lo, grp->gap_hi);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_object (w);

  sd_json_writer_key (w, "categories");
  sd_json_writer_begin_array (w);
  for (guint c = 0; c < f->categories->len; c++)
    {
      const SdFairnessCategory *cat = g_ptr_array_index (f->categories, c);
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "category", cat->category);
      sd_json_writer_member_fixed (w, "recommended_share", cat->recommended, 6);
      sd_json_writer_member_fixed (w, "sales_share", cat->sales, 6);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
  sd_json_writer_end_object (w);
}

void
sd_fairness_report_write_json (const SdFairnessReport *r,
                               SdJsonWriter           *w)
{
  g_autofree char *spec = sd_rerank_spec_to_string (&r->rerank);

  sd_json_writer_begin_object (w);
  sd_json_writer_key (w, "model");
  sd_json_writer_begin_object (w);
  if (r->model_id)
    sd_json_writer_member_int (w, "id", r->model_id);
  else
    {
      sd_json_writer_key (w, "id");
      sd_json_writer_null (w);
    }
  sd_json_writer_member_string (w, "algorithm", r->algorithm);
  sd_json_writer_member_string (w, "label", r->label);
  sd_json_writer_member_string (w, "source", r->source);
  sd_json_writer_end_object (w);
  sd_json_writer_member_string (w, "rerank", spec);
  sd_json_writer_member_int (w, "customers_served", r->n_served);
  sd_json_writer_member_int (w, "list_length", LIST_K);
  sd_json_writer_member_int (w, "bootstrap", r->n_bootstrap);
  sd_json_writer_key (w, "catalogue");
  sd_json_writer_begin_object (w);
  sd_json_writer_member_int (w, "items", r->n_items);
  sd_json_writer_member_int (w, "long_tail_items", r->n_tail);
  sd_json_writer_member_int (w, "categorised_items", r->n_categorised);
  sd_json_writer_member_int (w, "tagged_items", r->n_tagged);
  if (r->has_new)
    sd_json_writer_member_int (w, "new_items", r->n_new);
  else
    {
      sd_json_writer_key (w, "new_items");
      sd_json_writer_null (w);
    }
  sd_json_writer_end_object (w);
  sd_json_writer_key (w, "sales");
  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "basis", r->sales_basis);
  sd_json_writer_member_fixed (w, "long_tail_share", r->sales_tail_share, 6);
  sd_json_writer_member_fixed (w, "new_share", r->sales_new_share, 6);
  sd_json_writer_member_fixed (w, "gini", r->sales_gini, 6);
  sd_json_writer_end_object (w);
  sd_json_writer_key (w, "before");
  write_figures (w, r->before);
  if (r->after)
    {
      sd_json_writer_key (w, "after");
      write_figures (w, r->after);
      sd_json_writer_key (w, "change");
      sd_json_writer_begin_object (w);
      sd_json_writer_member_fixed (w, "ndcg@10", r->after->ndcg - r->before->ndcg, 6);
      sd_json_writer_member_fixed (w, "ndcg@10_cost", r->before->ndcg - r->after->ndcg, 6);
      sd_json_writer_member_fixed (w, "coverage", r->after->coverage - r->before->coverage, 6);
      sd_json_writer_member_fixed (w, "long_tail_share", r->after->tail_share - r->before->tail_share, 6);
      sd_json_writer_member_fixed (w, "new_share", r->after->new_share - r->before->new_share, 6);
      sd_json_writer_member_fixed (w, "gini", r->after->gini - r->before->gini, 6);
      sd_json_writer_member_fixed (w, "popularity_lift", r->after->popularity_lift - r->before->popularity_lift, 6);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_member_fixed (w, "seconds", r->seconds, 3);
  sd_json_writer_end_object (w);
}

char *
sd_fairness_report_to_json (const SdFairnessReport *report)
{
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
  sd_fairness_report_write_json (report, w);
  return sd_json_writer_finish (g_steal_pointer (&w));
}

/* One CSV row; NaN numbers and NULL texts are left empty, and @users only counts when
 * @ndcg is a number. */
static void
csv_row (GString    *out,
         const char *side,
         const char *kind,
         const char *by,
         const char *label,
         guint       users,
         double      ndcg,
         double      lo,
         double      hi,
         double      gap,
         double      recommended,
         double      sales)
{
  const char *texts[] = { side, kind, by, label };
  const double numbers[] = { ndcg, lo, hi, gap, recommended, sales };

  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      g_auto(GStrv) parts = g_strsplit (texts[t] ? texts[t] : "", "\"", -1);
      g_autofree char *escaped = g_strjoinv ("\"\"", parts);
      /* Quoted: a label such as "Women's, 40+" stays one cell. */
      g_string_append_printf (out, t ? ",\"%s\"" : "\"%s\"", escaped);
    }
  if (isfinite (ndcg))
    g_string_append_printf (out, ",%u", users);
  else
    g_string_append_c (out, ',');
  for (guint n = 0; n < G_N_ELEMENTS (numbers); n++)
    {
      g_string_append_c (out, ',');
      if (isfinite (numbers[n]))
        sd_json_append_double (out, numbers[n]);
    }
  g_string_append_c (out, '\n');
}

char *
sd_fairness_report_to_csv (const SdFairnessReport *r)
{
  GString *out = g_string_new ("side,kind,group,label,users,ndcg_at_10,ndcg_ci_low,ndcg_ci_high,gap,recommended_share,sales_share\n");

  for (guint side = 0; side < 2; side++)
    {
      const SdFairnessFigures *f = side ? r->after : r->before;
      const char *name = side ? "after" : "before";
      if (!f)
        continue;
      csv_row (out, name, "overall", NULL, "all", f->n_evaluated, f->ndcg, f->ndcg_lo, f->ndcg_hi, NAN, NAN, NAN);
      for (guint d = 0; d < f->dimensions->len; d++)
        {
          const SdFairnessDimension *dim = g_ptr_array_index (f->dimensions, d);
          for (guint g = 0; g < dim->groups->len; g++)
            {
              const SdFairnessGroup *grp = g_ptr_array_index (dim->groups, g);
              csv_row (out, name, "group", dim->by, grp->label, grp->n_users, grp->ndcg, grp->ndcg_lo, grp->ndcg_hi,
                       grp->gap, NAN, NAN);
            }
        }
      for (guint c = 0; c < f->categories->len; c++)
        {
          const SdFairnessCategory *cat = g_ptr_array_index (f->categories, c);
          csv_row (out, name, "category", NULL, cat->category, 0, NAN, NAN, NAN, NAN, cat->recommended, cat->sales);
        }
    }
  return g_string_free (out, FALSE);
}

/* ---- a private release ------------------------------------------------------------------ */

#define DP_QUERIES_PER_SIDE(f) (4 + 2 * (f)->dimensions->len)

static gboolean
dp_side (SdJsonWriter            *w,
         SdDpRelease             *release,
         const SdFairnessFigures *f,
         GError                 **error)
{
  double n, sum, tail;
  g_autofree double *slots = g_new0 (double, MAX (f->categories->len, 1));
  g_autofree double *noisy_slots = g_new0 (double, MAX (f->categories->len, 1));
  double slot_total = 0;

  /* Overall: a count and a sum of per-customer NDCG@10 in [0, 1]. */
  if (!sd_dp_release_count (release, f->n_evaluated, &n, error) ||
      !sd_dp_release_sum (release, sd_dp_clamp (f->ndcg, 1.0) * f->n_evaluated, 1.0, &sum, error))
    return FALSE;
  /* Slots: each customer gives at most LIST_K, so LIST_K is the sensitivity. */
  if (!sd_dp_release_sum (release, f->tail_share * f->n_slots, LIST_K, &tail, error))
    return FALSE;
  for (guint c = 0; c < f->categories->len; c++)
    {
      const SdFairnessCategory *cat = g_ptr_array_index (f->categories, c);
      slots[c] = isfinite (cat->recommended) ? cat->recommended * f->n_slots : 0;
    }
  if (!sd_dp_release_cells (release, slots, f->categories->len, LIST_K, noisy_slots, error))
    return FALSE;
  for (guint c = 0; c < f->categories->len; c++)
    slot_total += MAX (noisy_slots[c], 0);

  sd_json_writer_begin_object (w);
  if (sd_dp_release_suppress (release, n) || f->n_evaluated < sd_dp_release_threshold (release))
    sd_json_writer_member_bool (w, "suppressed", TRUE);
  else
    {
      sd_json_writer_member_int (w, "customers_evaluated", (gint64) llround (MAX (n, 0)));
      sd_json_writer_member_fixed (w, "ndcg@10", CLAMP (sum / n, 0.0, 1.0), 4);
      sd_json_writer_member_fixed (w, "long_tail_share", slot_total > 0 ? CLAMP (tail / slot_total, 0.0, 1.0) : NAN, 4);
    }
  sd_json_writer_key (w, "groups");
  sd_json_writer_begin_object (w);
  for (guint d = 0; d < f->dimensions->len; d++)
    {
      const SdFairnessDimension *dim = g_ptr_array_index (f->dimensions, d);
      guint n_groups = dim->groups->len;
      g_autofree double *counts = g_new (double, n_groups), *sums = g_new (double, n_groups);
      g_autofree double *noisy_counts = g_new (double, n_groups), *noisy_sums = g_new (double, n_groups);
      guint suppressed = 0;

      for (guint g = 0; g < n_groups; g++)
        {
          const SdFairnessGroup *grp = g_ptr_array_index (dim->groups, g);
          counts[g] = grp->n_users;
          sums[g] = sd_dp_clamp (grp->ndcg, 1.0) * grp->n_users;
        }
      /* The groups of one grouping are disjoint: one query for their counts, one for sums. */
      if (!sd_dp_release_cells (release, counts, n_groups, 1.0, noisy_counts, error) ||
          !sd_dp_release_cells (release, sums, n_groups, 1.0, noisy_sums, error))
        return FALSE;
      sd_json_writer_key (w, dim->by);
      sd_json_writer_begin_array (w);
      for (guint g = 0; g < n_groups; g++)
        {
          const SdFairnessGroup *grp = g_ptr_array_index (dim->groups, g);
          /* Also a hard floor on the true size, as the shop's other private releases keep,
           * so no group shown stands for fewer customers than the threshold. */
          if (sd_dp_release_suppress (release, noisy_counts[g]) || grp->n_users < sd_dp_release_threshold (release))
            {
              suppressed++;
              continue;
            }
          sd_json_writer_begin_object (w);
          sd_json_writer_member_string (w, "label", grp->label);
          sd_json_writer_member_int (w, "customers", (gint64) llround (noisy_counts[g]));
          sd_json_writer_member_fixed (w, "ndcg@10", CLAMP (noisy_sums[g] / noisy_counts[g], 0.0, 1.0), 4);
          sd_json_writer_end_object (w);
        }
      if (suppressed)
        {
          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "groups_suppressed", suppressed);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
    }
  sd_json_writer_end_object (w);
  sd_json_writer_key (w, "categories");
  sd_json_writer_begin_array (w);
  for (guint c = 0; c < f->categories->len; c++)
    {
      const SdFairnessCategory *cat = g_ptr_array_index (f->categories, c);
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "category", cat->category);
      sd_json_writer_member_fixed (w, "recommended_share", slot_total > 0 ? MAX (noisy_slots[c], 0) / slot_total : NAN, 4);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
  sd_json_writer_end_object (w);
  return TRUE;
}

char *
sd_fairness_report_release_dp (const SdFairnessReport *r,
                               SdDpMechanism           mechanism,
                               double                  epsilon,
                               double                  delta,
                               double                  threshold,
                               GError                **error)
{
  guint n_queries = DP_QUERIES_PER_SIDE (r->before) + (r->after ? DP_QUERIES_PER_SIDE (r->after) : 0);
  g_autoptr(SdDpRelease) release = sd_dp_release_new (mechanism, epsilon, delta, n_queries, threshold, error);
  g_autoptr(SdJsonWriter) w = NULL;
  g_autofree char *spec = sd_rerank_spec_to_string (&r->rerank);

  if (!release)
    return NULL;
  w = sd_json_writer_new ();
  sd_json_writer_begin_object (w);
  sd_json_writer_key (w, "privacy");
  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "mechanism", sd_dp_mechanism_to_string (mechanism));
  sd_json_writer_member_double (w, "epsilon", epsilon);
  if (mechanism == SD_DP_GAUSSIAN)
    sd_json_writer_member_double (w, "delta", delta);
  sd_json_writer_member_double (w, "threshold", threshold);
  sd_json_writer_member_int (w, "queries", n_queries);
  sd_json_writer_member_double (w, "count_noise_scale", sd_dp_release_scale (release, 1.0));
  sd_json_writer_end_object (w);
  /* The model and the re-ranking are the shop's choices, not customers' data. */
  sd_json_writer_member_string (w, "model", r->algorithm);
  sd_json_writer_member_string (w, "rerank", spec);
  sd_json_writer_key (w, "before");
  if (!dp_side (w, release, r->before, error))
    return NULL;
  if (r->after)
    {
      sd_json_writer_key (w, "after");
      if (!dp_side (w, release, r->after, error))
        return NULL;
    }
  sd_json_writer_member_double (w, "epsilon_spent", sd_dp_release_spent (release));
  sd_json_writer_end_object (w);
  return sd_json_writer_finish (g_steal_pointer (&w));
}

/* ---- the job ------------------------------------------------------------------------------ */

typedef struct {
  char              *db_path;
  SdFairnessOptions  options;
  SdFairnessReport  *report;
} JobData;

static void
job_data_free (JobData *d)
{
  g_free (d->db_path);
  g_clear_pointer (&d->options.extra_groups, g_hash_table_unref);
  sd_fairness_report_free (d->report);
  g_free (d);
}

static gboolean
job_func (SdJob         *job,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  JobData *d = data;
  g_autoptr(SdStore) store = sd_store_open_full (d->db_path, SD_STORE_OPEN_EXISTING, error);

  if (!store)
    return FALSE;
  d->options.job = job;
  d->options.cancellable = cancellable;
  d->report = sd_fairness_compute (store, &d->options, error);
  return d->report != NULL;
}

SdJob *
sd_fairness_job_new (const char              *shop_path,
                     const SdFairnessOptions *options)
{
  JobData *d = g_new0 (JobData, 1);

  g_return_val_if_fail (shop_path != NULL, NULL);
  d->db_path = g_strdup (shop_path);
  if (options)
    d->options = *options;
  if (d->options.extra_groups)
    g_hash_table_ref (d->options.extra_groups);
  d->options.job = NULL;
  d->options.cancellable = NULL;
  return sd_job_new (_("Measuring fairness"), job_func, d, (GDestroyNotify) job_data_free);
}

SdFairnessReport *
sd_fairness_job_steal_report (SdJob *job)
{
  JobData *d = sd_job_get_data (job);
  return d ? g_steal_pointer (&d->report) : NULL;
}

const char *
sd_fairness_rerank_futile (const SdFairnessReport *report,
                           SdRerankKind            kind)
{
  g_return_val_if_fail (report != NULL, NULL);
  if (kind == SD_RERANK_MMR && report->n_categorised == 0 && report->n_tagged == 0)
    return _("This shop’s products have no categories or tags, which tell this re-ranking what is alike: "
             "it changes nothing here");
  if (kind == SD_RERANK_CALIBRATE && report->n_categorised == 0)
    return _("This shop’s products have no categories, which this re-ranking follows: it changes nothing here");
  return NULL;
}

SdFairnessStanding
sd_fairness_group_standing (const SdFairnessDimension *dimension,
                            const SdFairnessGroup     *group)
{
  g_return_val_if_fail (dimension != NULL && group != NULL, SD_FAIRNESS_STANDING_TOO_FEW);
  if (group->n_users < MIN_GROUP || !isfinite (group->gap))
    return SD_FAIRNESS_STANDING_TOO_FEW;
  if (g_strcmp0 (group->label, dimension->best) == 0)
    return SD_FAIRNESS_STANDING_BEST;
  return SD_FAIRNESS_STANDING_BEHIND;
}
