/* sd-user-knn.c — user-based collaborative filtering
 *
 * Each user keeps the k most similar other users; the score of item j is the sum of the
 * neighbours' similarities times their weight on j. Similarity is cosine, or Pearson
 * correlation over the whole item vector (zeros included: on implicit data the observed
 * cells alone are nearly all alike), computed sparsely from sums:
 *   cov = <x_u, x_v> − s_u s_v / n,  var_u = |x_u|² − s_u² / n.
 * Co-occurrences are counted through the item-major copy, so the cost is the sum over
 * items of their number of customers squared.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sd-error.h"
#include "sd-user-knn.h"

GType
sd_user_knn_similarity_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SD_USER_KNN_COSINE, "SD_USER_KNN_COSINE", "cosine" },
        { SD_USER_KNN_PEARSON, "SD_USER_KNN_PEARSON", "pearson" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("SdUserKnnSimilarity", values));
    }
  return type;
}

struct _SdUserKnn
{
  SdRecommender parent_instance;

  int                  k;
  SdUserKnnSimilarity  similarity;
  double               shrink;

  guint   n_users;
  gsize  *nbr_ptr;
  guint  *nbr_idx;
  float  *nbr_sim;
};

G_DEFINE_FINAL_TYPE (SdUserKnn, sd_user_knn, SD_TYPE_RECOMMENDER)

enum { PROP_0, PROP_K, PROP_SIMILARITY, PROP_SHRINK, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
clear_state (SdUserKnn *self)
{
  g_clear_pointer (&self->nbr_ptr, g_free);
  g_clear_pointer (&self->nbr_idx, g_free);
  g_clear_pointer (&self->nbr_sim, g_free);
  self->n_users = 0;
}

static gboolean
sd_user_knn_fit (SdRecommender      *model,
                 SdInteractions     *train,
                 const SdFitContext *context,
                 GError            **error)
{
  SdUserKnn *self = SD_USER_KNN (model);
  g_autoptr(SdInteractions) t = sd_interactions_transpose (train);
  guint n = train->n_users;
  double n_items = train->n_items;
  gboolean pearson = self->similarity == SD_USER_KNN_PEARSON;
  g_autofree double *sum = g_new0 (double, MAX (n, 1));
  g_autofree double *dev = g_new0 (double, MAX (n, 1));
  g_autofree double *acc = g_new0 (double, MAX (n, 1));
  g_autofree guint *touched = g_new (guint, MAX (n, 1));
  g_autofree float *cand = g_new (float, MAX (n, 1));
  g_autofree gsize *ptr = g_new0 (gsize, (gsize) n + 1);
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) sim = g_array_new (FALSE, FALSE, sizeof (float));

  for (guint u = 0; u < n; u++)
    {
      double s = 0.0, sq = 0.0;
      for (gsize p = train->indptr[u]; p < train->indptr[u + 1]; p++)
        {
          s += train->values[p];
          sq += (double) train->values[p] * train->values[p];
        }
      sum[u] = s;
      dev[u] = sqrt (MAX (pearson ? sq - s * s / n_items : sq, 0.0));
    }

  for (guint u = 0; u < n; u++)
    {
      guint n_touched = 0;
      g_autoptr(GArray) top = NULL;

      if ((u & 127) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (context->cancellable, error))
            return FALSE;
          if (context->job)
            sd_job_set_progress (context->job, (double) u / n, _("Comparing customers"));
        }

      for (gsize p = train->indptr[u]; p < train->indptr[u + 1]; p++)
        {
          guint i = train->indices[p];
          double x = train->values[p];
          for (gsize q = t->indptr[i]; q < t->indptr[i + 1]; q++)
            {
              guint v = t->indices[q];
              if (v == u)
                continue;
              if (acc[v] == 0.0)
                touched[n_touched++] = v;
              acc[v] += x * t->values[q];
            }
        }
      for (guint c = 0; c < n_touched; c++)
        {
          guint v = touched[c];
          double num = pearson ? acc[v] - sum[u] * sum[v] / n_items : acc[v];
          double den = dev[u] * dev[v] + self->shrink;
          cand[c] = den > 0.0 ? (float) (num / den) : 0.0f;
        }
      top = sd_top_n (cand, n_touched, (guint) self->k);
      for (guint c = 0; c < top->len; c++)
        {
          SdScoredItem *s = &g_array_index (top, SdScoredItem, c);
          guint v = touched[s->item];
          if (s->score <= 0.0f)
            break;
          g_array_append_val (idx, v);
          g_array_append_val (sim, s->score);
        }
      ptr[u + 1] = idx->len;
      for (guint c = 0; c < n_touched; c++)
        acc[touched[c]] = 0.0;
    }

  clear_state (self);
  self->n_users = n;
  self->nbr_ptr = g_steal_pointer (&ptr);
  self->nbr_idx = (guint *) g_array_free (g_steal_pointer (&idx), FALSE);
  self->nbr_sim = (float *) g_array_free (g_steal_pointer (&sim), FALSE);
  return sd_recommender_report_epoch (model, context, 1, 1, NAN, error);
}

static void
sd_user_knn_score (SdRecommender *model,
                   guint          user,
                   float         *scores)
{
  SdUserKnn *self = SD_USER_KNN (model);
  SdInteractions *train = sd_recommender_get_train (model);

  memset (scores, 0, sizeof (float) * train->n_items);
  for (gsize p = self->nbr_ptr[user]; p < self->nbr_ptr[user + 1]; p++)
    {
      guint v = self->nbr_idx[p];
      float s = self->nbr_sim[p];
      for (gsize q = train->indptr[v]; q < train->indptr[v + 1]; q++)
        scores[train->indices[q]] += s * train->values[q];
    }
}

static gboolean
has_item (SdInteractions *m,
          guint           user,
          guint           item)
{
  gsize lo = m->indptr[user], hi = m->indptr[user + 1];

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (m->indices[mid] == item)
        return TRUE;
      if (m->indices[mid] < item)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

static GPtrArray *
sd_user_knn_explain (SdRecommender *model,
                     guint          user,
                     guint          item,
                     guint          max)
{
  SdUserKnn *self = SD_USER_KNN (model);
  SdInteractions *train = sd_recommender_get_train (model);
  GPtrArray *reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  guint count = 0;
  double weight = 0.0;

  for (gsize p = self->nbr_ptr[user]; p < self->nbr_ptr[user + 1]; p++)
    if (has_item (train, self->nbr_idx[p], item))
      {
        count++;
        weight += self->nbr_sim[p];
      }
  if (count > 0 && max > 0)
    {
      SdReason *r = g_new0 (SdReason, 1);
      r->kind = SD_REASON_SIMILAR_USERS;
      r->item = G_MAXUINT;
      r->count = count;
      r->weight = weight;
      g_ptr_array_add (reasons, r);
    }
  return reasons;
}

GArray *
sd_user_knn_neighbours (SdUserKnn *self,
                        guint      user)
{
  GArray *out;

  g_return_val_if_fail (SD_IS_USER_KNN (self), NULL);
  g_return_val_if_fail (sd_recommender_is_fitted (SD_RECOMMENDER (self)), NULL);
  g_return_val_if_fail (user < self->n_users, NULL);

  out = g_array_new (FALSE, FALSE, sizeof (SdScoredItem));
  for (gsize p = self->nbr_ptr[user]; p < self->nbr_ptr[user + 1]; p++)
    {
      SdScoredItem s = { self->nbr_idx[p], self->nbr_sim[p] };
      g_array_append_val (out, s);
    }
  return out;
}

/* The user's own neighbours go, and they leave every other user's list. */
static void
sd_user_knn_forget_user (SdRecommender *model,
                         guint          user)
{
  SdUserKnn *self = SD_USER_KNN (model);
  gsize w = 0, start;

  if (self->nbr_ptr == NULL || user >= self->n_users)
    return;
  for (guint u = 0; u < self->n_users; u++)
    {
      start = self->nbr_ptr[u];
      self->nbr_ptr[u] = w;
      if (u == user)
        continue;
      for (gsize p = start; p < self->nbr_ptr[u + 1]; p++)
        if (self->nbr_idx[p] != user)
          {
            self->nbr_idx[w] = self->nbr_idx[p];
            self->nbr_sim[w] = self->nbr_sim[p];
            w++;
          }
    }
  self->nbr_ptr[self->n_users] = w;
}

/* State: n_users + 1 offsets (u64), then nnz neighbour indices (u32) and similarities (f32). */
static GBytes *
sd_user_knn_save (SdRecommender *model)
{
  SdUserKnn *self = SD_USER_KNN (model);
  GByteArray *out = g_byte_array_new ();
  gsize nnz = self->nbr_ptr[self->n_users];

  for (guint u = 0; u <= self->n_users; u++)
    {
      guint64 v = GUINT64_TO_LE ((guint64) self->nbr_ptr[u]);
      g_byte_array_append (out, (const guint8 *) &v, 8);
    }
  g_byte_array_append (out, (const guint8 *) self->nbr_idx, nnz * sizeof (guint));
  g_byte_array_append (out, (const guint8 *) self->nbr_sim, nnz * sizeof (float));
  return g_byte_array_free_to_bytes (out);
}

static gboolean
sd_user_knn_load (SdRecommender  *model,
                  GBytes         *state,
                  GError        **error)
{
  SdUserKnn *self = SD_USER_KNN (model);
  guint n = sd_recommender_get_train (model)->n_users;
  gsize size, nnz, head = ((gsize) n + 1) * 8;
  const guint8 *data = g_bytes_get_data (state, &size);
  g_autofree gsize *ptr = NULL;

  if (size < head)
    goto damaged;
  ptr = g_new (gsize, (gsize) n + 1);
  for (guint u = 0; u <= n; u++)
    {
      guint64 v;
      memcpy (&v, data + (gsize) u * 8, 8);
      ptr[u] = (gsize) GUINT64_FROM_LE (v);
      if (u > 0 && ptr[u] < ptr[u - 1])
        goto damaged;
    }
  nnz = ptr[n];
  if (ptr[0] != 0 || size != head + nnz * (sizeof (guint) + sizeof (float)))
    goto damaged;
  clear_state (self);
  self->n_users = n;
  self->nbr_ptr = g_steal_pointer (&ptr);
  self->nbr_idx = g_memdup2 (data + head, nnz * sizeof (guint));
  self->nbr_sim = g_memdup2 (data + head + nnz * sizeof (guint), nnz * sizeof (float));
  for (gsize p = 0; p < nnz; p++)
    if (self->nbr_idx[p] >= n)
      {
        clear_state (self);
        goto damaged;
      }
  return TRUE;

damaged:
  g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
               _("The saved user-kNN neighbours do not fit a shop of %u customers"), n);
  return FALSE;
}

static void
sd_user_knn_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SdUserKnn *self = SD_USER_KNN (object);

  switch (prop_id)
    {
    case PROP_K: g_value_set_int (value, self->k); break;
    case PROP_SIMILARITY: g_value_set_enum (value, self->similarity); break;
    case PROP_SHRINK: g_value_set_double (value, self->shrink); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_user_knn_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SdUserKnn *self = SD_USER_KNN (object);

  switch (prop_id)
    {
    case PROP_K: self->k = g_value_get_int (value); break;
    case PROP_SIMILARITY: self->similarity = g_value_get_enum (value); break;
    case PROP_SHRINK: self->shrink = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_user_knn_finalize (GObject *object)
{
  clear_state (SD_USER_KNN (object));
  G_OBJECT_CLASS (sd_user_knn_parent_class)->finalize (object);
}

static void
sd_user_knn_class_init (SdUserKnnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *rec_class = SD_RECOMMENDER_CLASS (klass);

  object_class->finalize = sd_user_knn_finalize;
  object_class->get_property = sd_user_knn_get_property;
  object_class->set_property = sd_user_knn_set_property;
  rec_class->name = "userknn";
  rec_class->label = N_("User kNN");
  /* TRANSLATORS: what the model does, for a shop manager choosing one */
  rec_class->summary = N_("Finds the customers whose purchases look most like this customer’s and recommends what they bought");
  rec_class->fit = sd_user_knn_fit;
  rec_class->score = sd_user_knn_score;
  rec_class->explain = sd_user_knn_explain;
  rec_class->save = sd_user_knn_save;
  rec_class->forget_user = sd_user_knn_forget_user;
  rec_class->load = sd_user_knn_load;

  properties[PROP_K] =
    g_param_spec_int ("k", N_("Neighbours"), N_("Most similar customers kept per customer"),
                      1, 5000, 50, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIMILARITY] =
    g_param_spec_enum ("similarity", N_("Similarity"), N_("How customers are compared"),
                       SD_TYPE_USER_KNN_SIMILARITY, SD_USER_KNN_COSINE,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHRINK] =
    g_param_spec_double ("shrink", N_("Shrinkage"), N_("Added to the similarity's denominator"),
                         0.0, 10000.0, 0.0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_user_knn_init (SdUserKnn *self)
{
  self->k = 50;
  self->similarity = SD_USER_KNN_COSINE;
}
