/* sd-bpr.c — BPR-MF with item biases, SGD or Adam
 *
 * Each epoch draws as many triples (u, i, j) as there are cells: (u, i) uniformly among the
 * cells, j uniformly among the items u has no cell for. The model is
 *   x_uij = b_i - b_j + p_uᵀ(q_i - q_j),
 * trained to maximise Σ ln σ(x_uij) - λ‖θ‖². Adam keeps its moments per parameter and
 * updates only the rows a triple touches ("lazy" Adam), so an epoch stays O(nnz k).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sd-bpr.h"
#include "sd-error.h"

GType
sd_bpr_optimizer_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SD_BPR_SGD, "SD_BPR_SGD", "sgd" },
        { SD_BPR_ADAM, "SD_BPR_ADAM", "adam" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("SdBprOptimizer", values));
    }
  return type;
}

struct _SdBpr
{
  SdRecommender parent_instance;

  int      factors;
  SdBprOptimizer optimizer;
  double   learning_rate;
  double   reg;
  double   bias_reg;
  gboolean weighted;
  int      epochs;
  guint    seed;

  guint    n_users;
  guint    n_items;
  guint    k;
  float   *P;     /* n_users × k */
  float   *Q;     /* n_items × k */
  float   *bias;  /* n_items */
};

G_DEFINE_FINAL_TYPE (SdBpr, sd_bpr, SD_TYPE_RECOMMENDER)

enum {
  PROP_0,
  PROP_FACTORS,
  PROP_OPTIMIZER,
  PROP_LEARNING_RATE,
  PROP_REG,
  PROP_BIAS_REG,
  PROP_EPOCHS,
  PROP_SEED,
  PROP_WEIGHTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  /* first and second moments, shaped like P, Q and bias */
  float *mP, *vP, *mQ, *vQ, *mb, *vb;
  double beta1, beta2, eps;
  double beta1_t, beta2_t;   /* beta^t for the bias correction */
} Adam;

static gboolean
row_contains (const guint *row,
              gsize        n,
              guint        item)
{
  gsize lo = 0, hi = n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (row[mid] < item)
        lo = mid + 1;
      else if (row[mid] > item)
        hi = mid;
      else
        return TRUE;
    }
  return FALSE;
}

/* The first cell whose running weight total exceeds @x. */
static gsize
cell_at (const double *cumulative,
         gsize         nnz,
         double        x)
{
  gsize lo = 0, hi = nnz;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (cumulative[mid] <= x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return MIN (lo, nnz - 1);
}

/* The user owning cell @p: the last u with indptr[u] <= p. */
static guint
cell_user (const gsize *indptr,
           guint        n_users,
           gsize        p)
{
  guint lo = 0, hi = n_users;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (indptr[mid] <= p)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static inline void
adam_step (float  *w,
           float  *m,
           float  *v,
           double  grad,
           double  lr_t,
           const Adam *adam)
{
  *m = (float) (adam->beta1 * *m + (1 - adam->beta1) * grad);
  *v = (float) (adam->beta2 * *v + (1 - adam->beta2) * grad * grad);
  *w -= (float) (lr_t * *m / (sqrt (*v) + adam->eps));
}

static gboolean
sd_bpr_fit (SdRecommender      *model,
            SdInteractions     *train,
            const SdFitContext *context,
            GError            **error)
{
  SdBpr *self = SD_BPR (model);
  GCancellable *cancellable = context ? context->cancellable : NULL;
  guint k = (guint) self->factors;
  gboolean use_adam = self->optimizer == SD_BPR_ADAM;
  g_autoptr(GRand) rand = NULL;
  g_autofree float *P = NULL;
  g_autofree float *Q = NULL;
  g_autofree float *bias = NULL;
  g_autofree float *grad_u = NULL;
  Adam adam = { 0 };
  gsize n_sampleable = 0;
  g_autofree double *cumulative = NULL;

  for (guint u = 0; u < train->n_users; u++)
    {
      gsize n = train->indptr[u + 1] - train->indptr[u];

      if (n < train->n_items)
        n_sampleable += n;
    }
  if (n_sampleable == 0)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("BPR needs customers who interacted with some items but not all of them; this data has none"));
      return FALSE;
    }

  /* A shop's cells mix views with purchases: drawing the positive in proportion to the
   * cell's weight makes a purchase count more than a glance. With all weights 1 this
   * draws exactly the cells uniform sampling would. */
  cumulative = g_new (double, MAX (train->nnz, 1));
  {
    double total = 0;

    for (gsize p = 0; p < train->nnz; p++)
      {
        total += self->weighted ? train->values[p] : 1.0;
        cumulative[p] = total;
      }
  }

  /* Trained on fresh buffers, swapped in at the end, so cancelling keeps the old model;
   * published after every epoch through self so epoch_done can score the model so far. */
  rand = g_rand_new_with_seed (self->seed);
  P = g_new (float, (gsize) train->n_users * k);
  Q = g_new (float, (gsize) train->n_items * k);
  bias = g_new0 (float, train->n_items);
  grad_u = g_new (float, k);
  for (gsize i = 0; i < (gsize) train->n_users * k; i++)
    P[i] = (float) ((g_rand_double (rand) - 0.5) * 0.1);
  for (gsize i = 0; i < (gsize) train->n_items * k; i++)
    Q[i] = (float) ((g_rand_double (rand) - 0.5) * 0.1);

  if (use_adam)
    {
      adam.mP = g_new0 (float, (gsize) train->n_users * k);
      adam.vP = g_new0 (float, (gsize) train->n_users * k);
      adam.mQ = g_new0 (float, (gsize) train->n_items * k);
      adam.vQ = g_new0 (float, (gsize) train->n_items * k);
      adam.mb = g_new0 (float, train->n_items);
      adam.vb = g_new0 (float, train->n_items);
      adam.beta1 = 0.9;
      adam.beta2 = 0.999;
      adam.eps = 1e-8;
      adam.beta1_t = 1;
      adam.beta2_t = 1;
    }

  {
    g_autofree float *old_P = g_steal_pointer (&self->P);
    g_autofree float *old_Q = g_steal_pointer (&self->Q);
    g_autofree float *old_bias = g_steal_pointer (&self->bias);
    guint old_users = self->n_users, old_items = self->n_items, old_k = self->k;
    gboolean ok = TRUE;
    double lr = self->learning_rate, reg = self->reg, bias_reg = self->bias_reg;

    self->P = P;
    self->Q = Q;
    self->bias = bias;
    self->n_users = train->n_users;
    self->n_items = train->n_items;
    self->k = k;

    for (int epoch = 0; epoch < self->epochs && ok; epoch++)
      {
        double loss = 0;
        gsize n_samples = 0;

        for (gsize s = 0; s < train->nnz; s++)
          {
            gsize p = cell_at (cumulative, train->nnz,
                               g_rand_double_range (rand, 0, cumulative[train->nnz - 1]));
            guint u, i, j;
            const guint *row;
            gsize row_len;
            float *pu, *qi, *qj;
            double x, g;

            if ((s & 4095) == 0 && g_cancellable_is_cancelled (cancellable))
              {
                ok = FALSE;
                break;
              }

            u = cell_user (train->indptr, train->n_users, p);
            row = train->indices + train->indptr[u];
            row_len = train->indptr[u + 1] - train->indptr[u];
            if (row_len >= train->n_items)
              continue;
            i = train->indices[p];
            do
              j = (guint) g_rand_int_range (rand, 0, (gint32) train->n_items);
            while (row_contains (row, row_len, j));

            pu = P + (gsize) u * k;
            qi = Q + (gsize) i * k;
            qj = Q + (gsize) j * k;
            x = bias[i] - bias[j];
            for (guint f = 0; f < k; f++)
              x += pu[f] * (qi[f] - qj[f]);

            /* -ln σ(x) without overflow for large |x| */
            loss += x > 0 ? log1p (exp (-x)) : -x + log1p (exp (x));
            n_samples++;
            g = 1.0 / (1.0 + exp (x));   /* σ(-x) = d(-ln σ(x))/d(-x) */

            if (!use_adam)
              {
                for (guint f = 0; f < k; f++)
                  {
                    float wu = pu[f], wi = qi[f], wj = qj[f];

                    pu[f] += (float) (lr * (g * (wi - wj) - reg * wu));
                    qi[f] += (float) (lr * (g * wu - reg * wi));
                    qj[f] += (float) (lr * (-g * wu - reg * wj));
                  }
                bias[i] += (float) (lr * (g - bias_reg * bias[i]));
                bias[j] += (float) (lr * (-g - bias_reg * bias[j]));
              }
            else
              {
                double lr_t;

                adam.beta1_t *= adam.beta1;
                adam.beta2_t *= adam.beta2;
                lr_t = lr * sqrt (1 - adam.beta2_t) / (1 - adam.beta1_t);
                for (guint f = 0; f < k; f++)
                  {
                    float wu = pu[f], wi = qi[f], wj = qj[f];
                    gsize ou = (gsize) u * k + f, oi = (gsize) i * k + f, oj = (gsize) j * k + f;

                    /* gradients of the loss being minimised */
                    adam_step (&pu[f], &adam.mP[ou], &adam.vP[ou], -(g * (wi - wj)) + reg * wu, lr_t, &adam);
                    adam_step (&qi[f], &adam.mQ[oi], &adam.vQ[oi], -(g * wu) + reg * wi, lr_t, &adam);
                    adam_step (&qj[f], &adam.mQ[oj], &adam.vQ[oj], g * wu + reg * wj, lr_t, &adam);
                  }
                adam_step (&bias[i], &adam.mb[i], &adam.vb[i], -g + bias_reg * bias[i], lr_t, &adam);
                adam_step (&bias[j], &adam.mb[j], &adam.vb[j], g + bias_reg * bias[j], lr_t, &adam);
              }
          }

        if (!ok)
          {
            g_cancellable_set_error_if_cancelled (cancellable, error);
            break;
          }
        ok = sd_recommender_report_epoch (model, context, epoch + 1, self->epochs,
                                          n_samples ? loss / n_samples : 0.0, error);
      }

    g_free (adam.mP);
    g_free (adam.vP);
    g_free (adam.mQ);
    g_free (adam.vQ);
    g_free (adam.mb);
    g_free (adam.vb);

    if (!ok)
      {
        /* P, Q and bias are still owned by the autofree locals, which free them */
        self->P = g_steal_pointer (&old_P);
        self->Q = g_steal_pointer (&old_Q);
        self->bias = g_steal_pointer (&old_bias);
        self->n_users = old_users;
        self->n_items = old_items;
        self->k = old_k;
        return FALSE;
      }
    P = NULL;
    Q = NULL;
    bias = NULL;
    return TRUE;
  }
}

static void
sd_bpr_score (SdRecommender *model,
              guint          user,
              float         *scores)
{
  SdBpr *self = SD_BPR (model);
  guint k = self->k;

  if (self->P == NULL)
    {
      for (guint i = 0; i < self->n_items; i++)
        scores[i] = 0;
      return;
    }

  for (guint i = 0; i < self->n_items; i++)
    {
      const float *q = self->Q + (gsize) i * k;
      float s = self->bias[i];

      /* a user outside the training matrix gets the item biases alone: a learned popularity */
      if (user < self->n_users)
        {
          const float *pu = self->P + (gsize) user * k;

          for (guint f = 0; f < k; f++)
            s += pu[f] * q[f];
        }
      scores[i] = s;
    }
}

static int
compare_reasons (gconstpointer a,
                 gconstpointer b)
{
  const SdReason *ra = *(SdReason * const *) a;
  const SdReason *rb = *(SdReason * const *) b;

  return (ra->weight < rb->weight) - (ra->weight > rb->weight);
}

/* BPR's score does not split over the history, so the history items whose factor vectors
 * point most the same way as the recommended item's (cosine) stand in as the reason. */
static GPtrArray *
sd_bpr_explain (SdRecommender *model,
                guint          user,
                guint          item,
                guint          max)
{
  SdBpr *self = SD_BPR (model);
  SdInteractions *train = sd_recommender_get_train (model);
  GPtrArray *reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  guint k = self->k;
  const float *qi;
  double ni = 0;

  if (self->Q == NULL || train == NULL || user >= train->n_users || item >= self->n_items)
    return reasons;

  qi = self->Q + (gsize) item * k;
  for (guint f = 0; f < k; f++)
    ni += qi[f] * qi[f];

  for (gsize p = train->indptr[user]; p < train->indptr[user + 1]; p++)
    {
      guint j = train->indices[p];
      const float *qj = self->Q + (gsize) j * k;
      double dot = 0, nj = 0, cosine;
      SdReason *reason;

      for (guint f = 0; f < k; f++)
        {
          dot += qi[f] * qj[f];
          nj += qj[f] * qj[f];
        }
      cosine = ni > 0 && nj > 0 ? dot / sqrt (ni * nj) : 0;
      if (cosine <= 0)
        continue;
      reason = g_new0 (SdReason, 1);
      reason->kind = SD_REASON_FACTOR;
      reason->item = j;
      reason->weight = cosine;
      g_ptr_array_add (reasons, reason);
    }

  g_ptr_array_sort (reasons, compare_reasons);
  if (reasons->len > max)
    g_ptr_array_set_size (reasons, max);
  return reasons;
}

static GVariant *
floats_to_variant (const float *values,
                   gsize        n)
{
  g_autofree double *d = g_new (double, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    d[i] = values[i];
  return g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, d, n, sizeof (double));
}

static float *
variant_to_floats (GVariant *variant,
                   gsize    *n)
{
  const double *d = g_variant_get_fixed_array (variant, n, sizeof (double));
  float *values = g_new (float, MAX (*n, 1));

  for (gsize i = 0; i < *n; i++)
    values[i] = (float) d[i];
  return values;
}

static void
sd_bpr_forget_user (SdRecommender *model,
                    guint          user)
{
  SdBpr *self = SD_BPR (model);

  if (self->P && user < self->n_users)
    memset (self->P + (gsize) user * self->k, 0, self->k * sizeof (float));
}

static GBytes *
sd_bpr_save (SdRecommender *model)
{
  SdBpr *self = SD_BPR (model);
  gboolean fitted = self->P != NULL;
  g_autoptr(GVariant) state = NULL;

  state = g_variant_ref_sink (g_variant_new ("(uuu@ad@ad@ad)", self->n_users, self->n_items, self->k,
                                             floats_to_variant (self->P, fitted ? (gsize) self->n_users * self->k : 0),
                                             floats_to_variant (self->Q, fitted ? (gsize) self->n_items * self->k : 0),
                                             floats_to_variant (self->bias, fitted ? self->n_items : 0)));
  return g_variant_get_data_as_bytes (state);
}

static gboolean
sd_bpr_load (SdRecommender *model,
             GBytes        *bytes,
             GError       **error)
{
  SdBpr *self = SD_BPR (model);
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GVariant) vp = NULL;
  g_autoptr(GVariant) vq = NULL;
  g_autoptr(GVariant) vb = NULL;
  guint n_users, n_items, k;
  gsize np, nq, nb;
  g_autofree float *P = NULL;
  g_autofree float *Q = NULL;
  g_autofree float *bias = NULL;

  state = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("(uuuadadad)"), bytes, FALSE));
  if (!g_variant_is_normal_form (state))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                           _("The saved BPR model is damaged: its data is not in the expected layout"));
      return FALSE;
    }
  g_variant_get (state, "(uuu@ad@ad@ad)", &n_users, &n_items, &k, &vp, &vq, &vb);
  P = variant_to_floats (vp, &np);
  Q = variant_to_floats (vq, &nq);
  bias = variant_to_floats (vb, &nb);
  if (np == 0 && nq == 0 && nb == 0)
    return TRUE;   /* saved before fitting */
  if (np != (gsize) n_users * k || nq != (gsize) n_items * k || nb != n_items)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("The saved BPR model is damaged: %u users, %u items and %u factors do not match its %zu + %zu values"),
                   n_users, n_items, k, np, nq);
      return FALSE;
    }

  g_free (self->P);
  g_free (self->Q);
  g_free (self->bias);
  self->P = g_steal_pointer (&P);
  self->Q = g_steal_pointer (&Q);
  self->bias = g_steal_pointer (&bias);
  self->n_users = n_users;
  self->n_items = n_items;
  self->k = k;
  return TRUE;
}

static void
sd_bpr_finalize (GObject *object)
{
  SdBpr *self = SD_BPR (object);

  g_free (self->P);
  g_free (self->Q);
  g_free (self->bias);
  G_OBJECT_CLASS (sd_bpr_parent_class)->finalize (object);
}

static void
sd_bpr_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  SdBpr *self = SD_BPR (object);

  switch (prop_id)
    {
    case PROP_FACTORS: g_value_set_int (value, self->factors); break;
    case PROP_OPTIMIZER: g_value_set_enum (value, self->optimizer); break;
    case PROP_LEARNING_RATE: g_value_set_double (value, self->learning_rate); break;
    case PROP_REG: g_value_set_double (value, self->reg); break;
    case PROP_BIAS_REG: g_value_set_double (value, self->bias_reg); break;
    case PROP_EPOCHS: g_value_set_int (value, self->epochs); break;
    case PROP_SEED: g_value_set_uint (value, self->seed); break;
    case PROP_WEIGHTED: g_value_set_boolean (value, self->weighted); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_bpr_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  SdBpr *self = SD_BPR (object);

  switch (prop_id)
    {
    case PROP_FACTORS: self->factors = g_value_get_int (value); break;
    case PROP_OPTIMIZER: self->optimizer = g_value_get_enum (value); break;
    case PROP_LEARNING_RATE: self->learning_rate = g_value_get_double (value); break;
    case PROP_REG: self->reg = g_value_get_double (value); break;
    case PROP_BIAS_REG: self->bias_reg = g_value_get_double (value); break;
    case PROP_EPOCHS: self->epochs = g_value_get_int (value); break;
    case PROP_SEED: self->seed = g_value_get_uint (value); break;
    case PROP_WEIGHTED: self->weighted = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_bpr_class_init (SdBprClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *model_class = SD_RECOMMENDER_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sd_bpr_finalize;
  object_class->get_property = sd_bpr_get_property;
  object_class->set_property = sd_bpr_set_property;

  model_class->name = "bpr";
  model_class->label = N_("BPR (pairwise ranking)");
  /* TRANSLATORS: what the model does, for a shop manager choosing one */
  model_class->summary = N_("Learns hidden tastes by ranking what each customer chose above what they did not, in rounds");
  model_class->fit = sd_bpr_fit;
  model_class->score = sd_bpr_score;
  model_class->explain = sd_bpr_explain;
  model_class->save = sd_bpr_save;
  model_class->forget_user = sd_bpr_forget_user;
  model_class->load = sd_bpr_load;

  /* Defaults chosen on the demo shop's validation split (SD_TUNE=1 test-bpr -p
   * /bpr/demo-tune): learning rate 0.05, reg 0.05 (0.262; 0.1/0.05 gave 0.267 but a step
   * that large is fragile elsewhere). */
  properties[PROP_FACTORS] =
    g_param_spec_int ("factors", N_("Factors"), N_("Length of the user and item vectors"),
                      1, 1024, 64, flags);
  properties[PROP_OPTIMIZER] =
    g_param_spec_enum ("optimizer", N_("Optimizer"), N_("sgd (plain stochastic gradient) or adam"),
                       SD_TYPE_BPR_OPTIMIZER, SD_BPR_SGD, flags);
  properties[PROP_LEARNING_RATE] =
    g_param_spec_double ("learning-rate", N_("Learning rate"), N_("Step size (about 0.05 for sgd, 0.005 for adam)"),
                         1e-6, 10.0, 0.05, flags);
  properties[PROP_REG] =
    g_param_spec_double ("reg", N_("Regularisation"), N_("L2 penalty on the factors"),
                         0.0, 100.0, 0.05, flags);
  properties[PROP_BIAS_REG] =
    g_param_spec_double ("bias-reg", N_("Bias regularisation"), N_("L2 penalty on the item biases"),
                         0.0, 100.0, 0.001, flags);
  properties[PROP_EPOCHS] =
    g_param_spec_int ("epochs", N_("Epochs"), N_("Passes over the training cells"),
                      1, 10000, 60, flags);
  properties[PROP_SEED] =
    g_param_spec_uint ("seed", N_("Seed"), N_("Seed of the initial factors and the sampling"),
                       0, G_MAXUINT, 42, flags);

  properties[PROP_WEIGHTED] =
    g_param_spec_boolean ("weighted-sampling", N_("Weighted sampling"), N_("Draw bought items in proportion to the interaction weight (purchases more often than views)"),
                          TRUE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_bpr_init (SdBpr *self)
{
}

SdRecommender *
sd_bpr_new (void)
{
  return g_object_new (SD_TYPE_BPR, NULL);
}
