/* sd-hybrid.c — weighted blend of normalised member scores
 *
 * Members are ordinary models created through the registry and fitted on the same
 * training matrix; the blend never looks inside them. Popularity (and content, when a
 * catalogue is there) are fitted as well when they are not members, since they are the
 * fallbacks for customers the collaborative members know nothing about.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sd-error.h"
#include "sd-hybrid.h"

GType
sd_hybrid_normalize_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SD_HYBRID_ZSCORE, "SD_HYBRID_ZSCORE", "zscore" },
        { SD_HYBRID_MINMAX, "SD_HYBRID_MINMAX", "minmax" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("SdHybridNormalize", values));
    }
  return type;
}

typedef struct {
  char          *name;
  double         weight;
  SdRecommender *model;
} Member;

struct _SdHybrid
{
  SdRecommender parent_instance;

  char      *weights;
  char      *member_params;
  SdHybridNormalize normalize;
  int        cold_start_min;

  GArray    *members;       /* Member, blended */
  SdRecommender *popularity;  /* fallbacks (owned references; may be members too) */
  SdRecommender *content;
};

G_DEFINE_FINAL_TYPE (SdHybrid, sd_hybrid, SD_TYPE_RECOMMENDER)

enum {
  PROP_0,
  PROP_WEIGHTS,
  PROP_MEMBER_PARAMS,
  PROP_NORMALIZE,
  PROP_COLD_START_MIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
member_clear (gpointer data)
{
  Member *m = data;

  g_free (m->name);
  g_clear_object (&m->model);
}

static GArray *
members_new (void)
{
  GArray *members = g_array_new (FALSE, TRUE, sizeof (Member));

  g_array_set_clear_func (members, member_clear);
  return members;
}

/* "als:0.6, itemknn:0.3" → members without models; refuses unknown names and bad weights. */
static GArray *
parse_weights (const char  *spec,
               GError     **error)
{
  g_autoptr(GArray) members = members_new ();
  g_auto(GStrv) parts = g_strsplit (spec ? spec : "", ",", -1);
  double total = 0;

  for (guint i = 0; parts[i]; i++)
    {
      g_auto(GStrv) kv = NULL;
      g_autoptr(SdRecommender) probe = NULL;
      Member m = { 0 };
      char *end = NULL;

      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      kv = g_strsplit (parts[i], ":", 2);
      g_strstrip (kv[0]);
      if (kv[1] == NULL)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("weights: “%s” needs a weight, as in “%s:0.5”"), parts[i], kv[0]);
          return NULL;
        }
      m.weight = g_ascii_strtod (g_strstrip (kv[1]), &end);
      if (end == kv[1] || *end != '\0' || !isfinite (m.weight) || m.weight < 0)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("weights: the weight of %s must be a number of at least 0, got “%s”"), kv[0], kv[1]);
          return NULL;
        }
      if (g_ascii_strcasecmp (kv[0], "hybrid") == 0)
        {
          g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                               _("weights: a hybrid cannot contain another hybrid"));
          return NULL;
        }
      probe = sd_recommender_new (kv[0], error);
      if (probe == NULL)
        {
          g_prefix_error (error, "weights: ");
          return NULL;
        }
      for (guint j = 0; j < members->len; j++)
        if (g_ascii_strcasecmp (g_array_index (members, Member, j).name, kv[0]) == 0)
          {
            g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                         _("weights: %s is named twice"), kv[0]);
            return NULL;
          }
      m.name = g_strdup (sd_recommender_get_name (probe));
      total += m.weight;
      g_array_append_val (members, m);
    }

  if (members->len == 0 || total <= 0)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("weights must name at least one model with a weight above 0, as in “als:0.7,popularity:0.3”"));
      return NULL;
    }
  return g_steal_pointer (&members);
}

/* "als.factors=32,bpr.epochs=40": each applied to the member it names. */
static gboolean
apply_member_params (SdHybrid       *self,
                     const char     *member,
                     SdRecommender  *model,
                     GError        **error)
{
  g_auto(GStrv) parts = g_strsplit (self->member_params ? self->member_params : "", ",", -1);

  for (guint i = 0; parts[i]; i++)
    {
      char *dot, *eq;

      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      dot = strchr (parts[i], '.');
      eq = strchr (parts[i], '=');
      if (dot == NULL || eq == NULL || eq < dot)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("member-params: “%s” should look like “als.factors=32”"), parts[i]);
          return FALSE;
        }
      *dot = '\0';
      *eq = '\0';
      if (g_ascii_strcasecmp (parts[i], member) != 0)
        continue;
      if (!sd_recommender_set_param (model, dot + 1, eq + 1, error))
        {
          g_prefix_error (error, "member-params: ");
          return FALSE;
        }
    }
  return TRUE;
}

static SdRecommender *
find_member (GArray     *members,
             const char *name)
{
  for (guint i = 0; members && i < members->len; i++)
    if (g_strcmp0 (g_array_index (members, Member, i).name, name) == 0)
      return g_array_index (members, Member, i).model;
  return NULL;
}

static gboolean
fit_one (SdHybrid           *self,
         const char         *name,
         SdInteractions     *train,
         const SdFitContext *context,
         double              fraction,
         SdRecommender     **out,
         GError            **error)
{
  g_autoptr(SdRecommender) model = sd_recommender_new (name, error);
  /* The members' own epochs would mix into the hybrid's loss curve: they report nowhere,
   * and the hybrid reports which member it is at. */
  SdFitContext sub = { .cancellable = context ? context->cancellable : NULL };

  if (model == NULL)
    return FALSE;
  sd_recommender_set_catalog (model, sd_recommender_get_catalog (SD_RECOMMENDER (self)));
  if (!apply_member_params (self, name, model, error))
    return FALSE;
  if (context && context->job)
    {
      /* TRANSLATORS: %s is a model's name; the Hybrid's progress while it fits its parts */
      g_autofree char *text = g_strdup_printf (_("Training %s"), _(sd_recommender_get_label (model)));

      /* the progress panel named the part by its code ("itemknn"), in English */
      sd_job_set_progress (context->job, fraction, text);
      sd_job_log (context->job, "%s", text);
    }
  if (!sd_recommender_fit (model, train, &sub, error))
    {
      if (error && *error && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (error, "%s: ", sd_recommender_get_label (model));
      return FALSE;
    }
  *out = g_steal_pointer (&model);
  return TRUE;
}

static gboolean
sd_hybrid_fit (SdRecommender      *model,
               SdInteractions     *train,
               const SdFitContext *context,
               GError            **error)
{
  SdHybrid *self = SD_HYBRID (model);
  g_autoptr(GArray) members = NULL;
  g_autoptr(SdRecommender) popularity = NULL;
  g_autoptr(SdRecommender) content = NULL;
  gboolean have_catalog = sd_recommender_get_catalog (model) != NULL;
  guint n_steps, step = 0;

  members = parse_weights (self->weights, error);
  if (members == NULL)
    return FALSE;

  for (guint i = 0; i < members->len; i++)
    if (!have_catalog && g_strcmp0 (g_array_index (members, Member, i).name, "content") == 0)
      {
        g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                             _("The hybrid includes the content model, which needs the product catalogue; load one or take content out of weights"));
        return FALSE;
      }

  n_steps = members->len + 2;
  for (guint i = 0; i < members->len; i++)
    {
      Member *m = &g_array_index (members, Member, i);

      if (!fit_one (self, m->name, train, context, (double) step++ / n_steps, &m->model, error))
        return FALSE;
    }

  popularity = find_member (members, "popularity");
  if (popularity)
    g_object_ref (popularity);
  else if (!fit_one (self, "popularity", train, context, (double) step / n_steps, &popularity, error))
    return FALSE;
  content = find_member (members, "content");
  if (content)
    g_object_ref (content);
  else if (have_catalog && !fit_one (self, "content", train, context, (double) (step + 1) / n_steps, &content, error))
    return FALSE;

  g_clear_pointer (&self->members, g_array_unref);
  self->members = g_steal_pointer (&members);
  g_set_object (&self->popularity, popularity);
  g_set_object (&self->content, content);

  return sd_recommender_report_epoch (model, context, 1, 1, NAN, error);
}

/* In place, over the whole catalogue. A constant list carries no preference: all zero. */
static void
normalize_scores (SdHybridNormalize  how,
                  float             *scores,
                  guint              n)
{
  if (how == SD_HYBRID_MINMAX)
    {
      float lo = INFINITY, hi = -INFINITY;

      for (guint i = 0; i < n; i++)
        {
          lo = MIN (lo, scores[i]);
          hi = MAX (hi, scores[i]);
        }
      for (guint i = 0; i < n; i++)
        scores[i] = hi > lo ? (scores[i] - lo) / (hi - lo) : 0.0f;
    }
  else
    {
      double sum = 0, sq = 0, mean, sd;

      for (guint i = 0; i < n; i++)
        sum += scores[i];
      mean = sum / MAX (n, 1);
      for (guint i = 0; i < n; i++)
        sq += (scores[i] - mean) * (scores[i] - mean);
      sd = sqrt (sq / MAX (n, 1));
      for (guint i = 0; i < n; i++)
        scores[i] = sd > 0 ? (float) ((scores[i] - mean) / sd) : 0.0f;
    }
}

static guint
history_length (SdRecommender *model,
                guint          user)
{
  SdInteractions *train = sd_recommender_get_train (model);

  if (train == NULL || user >= train->n_users)
    return 0;
  return (guint) (train->indptr[user + 1] - train->indptr[user]);
}

/* Adds weight × normalised scores of @model to @out. */
static void
blend (SdHybrid      *self,
       SdRecommender *model,
       double         weight,
       guint          user,
       guint          n_items,
       float         *buf,
       float         *out)
{
  SD_RECOMMENDER_GET_CLASS (model)->score (model, user, buf);
  normalize_scores (self->normalize, buf, n_items);
  for (guint i = 0; i < n_items; i++)
    out[i] += (float) (weight * buf[i]);
}

static void
sd_hybrid_score (SdRecommender *model,
                 guint          user,
                 float         *scores)
{
  SdHybrid *self = SD_HYBRID (model);
  SdInteractions *train = sd_recommender_get_train (model);
  guint n_items = train ? train->n_items : 0;
  guint n_history = history_length (model, user);
  g_autofree float *buf = g_new (float, MAX (n_items, 1));

  memset (scores, 0, n_items * sizeof (float));
  if (self->members == NULL)
    return;

  if (n_history == 0)
    {
      if (self->popularity)
        blend (self, self->popularity, 1.0, user, n_items, buf, scores);
      return;
    }
  if ((int) n_history < self->cold_start_min)
    {
      /* Too little history for the collaborative members to say much: what the customer
       * looked at, by content, with popularity to order the rest. */
      if (self->content)
        blend (self, self->content, 1.0, user, n_items, buf, scores);
      if (self->popularity)
        blend (self, self->popularity, self->content ? 0.3 : 1.0, user, n_items, buf, scores);
      return;
    }

  for (guint m = 0; m < self->members->len; m++)
    {
      Member *member = &g_array_index (self->members, Member, m);

      if (member->weight > 0)
        blend (self, member->model, member->weight, user, n_items, buf, scores);
    }
}

typedef struct {
  SdReason *reason;
  double    strength;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *ra = a, *rb = b;

  return (ra->strength < rb->strength) - (ra->strength > rb->strength);
}

/* What @model adds to the blend's score of @item: its weight × its normalised score. */
static double
member_part (SdHybrid      *self,
             SdRecommender *model,
             double         weight,
             guint          user,
             guint          item,
             guint          n_items,
             float         *buf)
{
  if (item >= n_items)
    return 0;
  SD_RECOMMENDER_GET_CLASS (model)->score (model, user, buf);
  normalize_scores (self->normalize, buf, n_items);
  return weight * buf[item];
}

/* Whether @a and @b are one history item's part of the score, given by two members (ALS's
 * "because of X" and item kNN's "because they bought X"): told once, with both parts. */
static gboolean
same_history_item (const SdReason *a,
                   const SdReason *b)
{
  return a->item == b->item && a->item != G_MAXUINT && a->share > 0 && b->share > 0
         && (a->kind == SD_REASON_FACTOR || a->kind == SD_REASON_SIMILAR_ITEM)
         && (b->kind == SD_REASON_FACTOR || b->kind == SD_REASON_SIMILAR_ITEM);
}

/* The members' reasons, each scaled by its member's weight and by the member's strongest
 * reason (members measure reasons on different scales), strongest first, without saying
 * the same thing twice. A reason that has a share of its member's score (ALS, EASE, item
 * kNN) gets a share of the blend's: that share times the member's part of what speaks for
 * the item in the blend (its weighted normalised score over the members' positive ones),
 * so "mostly because of X" means the same in a blend as in a single model. A history item
 * two members give as the same reason is told once, with both its parts. */
static GPtrArray *
sd_hybrid_explain (SdRecommender *model,
                   guint          user,
                   guint          item,
                   guint          max)
{
  SdHybrid *self = SD_HYBRID (model);
  GPtrArray *reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  g_autoptr(GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  SdInteractions *train = sd_recommender_get_train (model);
  guint n_items = train ? train->n_items : 0;
  g_autofree float *buf = g_new (float, MAX (n_items, 1));
  g_autofree double *parts = NULL;
  double positive = 0;
  guint n_history = history_length (model, user);
  Member fallback[2] = { { 0 } };
  Member *members;
  guint n_members = 0;

  if (self->members == NULL || max == 0)
    return reasons;

  if (n_history == 0 || (int) n_history < self->cold_start_min)
    {
      if (self->content && n_history > 0)
        fallback[n_members++] = (Member) { .name = (char *) "content", .weight = 1.0, .model = self->content };
      if (self->popularity)
        fallback[n_members++] = (Member) { .name = (char *) "popularity", .weight = 0.3, .model = self->popularity };
      members = fallback;
    }
  else
    {
      members = (Member *) self->members->data;
      n_members = self->members->len;
    }

  parts = g_new0 (double, MAX (n_members, 1));
  for (guint m = 0; m < n_members; m++)
    if (members[m].weight > 0)
      {
        parts[m] = member_part (self, members[m].model, members[m].weight, user, item, n_items, buf);
        positive += MAX (parts[m], 0);
      }

  for (guint m = 0; m < n_members; m++)
    {
      g_autoptr(GPtrArray) part = NULL;
      double top = 0;
      double of_blend = positive > 0 ? MAX (parts[m], 0) / positive : 0;

      if (members[m].weight <= 0)
        continue;
      part = SD_RECOMMENDER_GET_CLASS (members[m].model)->explain (members[m].model, user, item, max);
      for (guint i = 0; i < part->len; i++)
        top = MAX (top, fabs (((SdReason *) g_ptr_array_index (part, i))->weight));
      for (guint i = 0; i < part->len; i++)
        {
          SdReason *reason = g_ptr_array_index (part, i);
          Ranked r = { reason, members[m].weight * (top > 0 ? fabs (reason->weight) / top : 1.0) };

          reason->share *= of_blend;

          /* a reason's rank within its member also counts, so ties keep the member's order */
          r.strength -= 1e-6 * i;
          g_array_append_val (ranked, r);
        }
      g_ptr_array_set_free_func (part, NULL);
    }

  g_array_sort (ranked, compare_ranked);
  for (guint i = 0; i < ranked->len; i++)
    {
      SdReason *reason = g_array_index (ranked, Ranked, i).reason;
      SdReason *duplicate = NULL;

      for (guint j = 0; j < reasons->len && !duplicate; j++)
        {
          SdReason *kept = g_ptr_array_index (reasons, j);

          if ((kept->kind == reason->kind && kept->item == reason->item
               && g_strcmp0 (kept->terms, reason->terms) == 0)
              || same_history_item (kept, reason))
            duplicate = kept;
        }
      if (duplicate)
        duplicate->share = MIN (1.0, duplicate->share + reason->share);
      if (duplicate || reasons->len >= max)
        sd_reason_free (reason);
      else
        g_ptr_array_add (reasons, reason);
    }
  return reasons;
}

static void
sd_hybrid_forget_user (SdRecommender *model,
                       guint          user)
{
  SdHybrid *self = SD_HYBRID (model);

  for (guint i = 0; self->members && i < self->members->len; i++)
    sd_recommender_forget_user (g_array_index (self->members, Member, i).model, user);
  if (self->popularity)
    sd_recommender_forget_user (self->popularity, user);
  if (self->content)
    sd_recommender_forget_user (self->content, user);
}

static GBytes *
sd_hybrid_save (SdRecommender *model)
{
  SdHybrid *self = SD_HYBRID (model);
  GVariantBuilder builder;
  g_autoptr(GVariant) state = NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sdbay)"));
  for (guint i = 0; self->members && i < self->members->len; i++)
    {
      Member *m = &g_array_index (self->members, Member, i);
      g_autoptr(GBytes) blob = sd_recommender_save (m->model);

      g_variant_builder_add (&builder, "(sdb@ay)", m->name, m->weight, TRUE,
                             g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, blob, TRUE));
    }
  /* fallbacks that are not members */
  {
    SdRecommender *extra[] = { self->popularity, self->content };

    for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
      if (extra[i] && (self->members == NULL || find_member (self->members, sd_recommender_get_name (extra[i])) == NULL))
        {
          g_autoptr(GBytes) blob = sd_recommender_save (extra[i]);

          g_variant_builder_add (&builder, "(sdb@ay)", sd_recommender_get_name (extra[i]), 0.0, FALSE,
                                 g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, blob, TRUE));
        }
  }
  state = g_variant_ref_sink (g_variant_builder_end (&builder));
  return g_variant_get_data_as_bytes (state);
}

static gboolean
sd_hybrid_load (SdRecommender *model,
                GBytes        *bytes,
                GError       **error)
{
  SdHybrid *self = SD_HYBRID (model);
  SdInteractions *train = sd_recommender_get_train (model);
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GArray) members = members_new ();
  g_autoptr(SdRecommender) popularity = NULL;
  g_autoptr(SdRecommender) content = NULL;
  GVariantIter iter;
  const char *name;
  double weight;
  gboolean is_member;
  GVariant *blob_variant;

  state = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("a(sdbay)"), bytes, FALSE));
  if (!g_variant_is_normal_form (state) || train == NULL)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                           _("The saved hybrid model is damaged: its data is not in the expected layout"));
      return FALSE;
    }

  g_variant_iter_init (&iter, state);
  while (g_variant_iter_loop (&iter, "(&sdb@ay)", &name, &weight, &is_member, &blob_variant))
    {
      g_autoptr(GBytes) blob = g_variant_get_data_as_bytes (blob_variant);
      g_autoptr(SdRecommender) member = sd_recommender_load (blob, train, error);

      if (member == NULL)
        {
          g_prefix_error (error, _("hybrid member %s: "), name);
          g_variant_unref (blob_variant);
          return FALSE;
        }
      if (g_strcmp0 (name, "popularity") == 0)
        g_set_object (&popularity, member);
      else if (g_strcmp0 (name, "content") == 0)
        g_set_object (&content, member);
      if (is_member)
        {
          Member m = { g_strdup (name), weight, g_steal_pointer (&member) };

          g_array_append_val (members, m);
        }
    }

  g_clear_pointer (&self->members, g_array_unref);
  self->members = g_steal_pointer (&members);
  g_set_object (&self->popularity, popularity);
  g_set_object (&self->content, content);
  return TRUE;
}

SdRecommender *
sd_hybrid_get_member (SdHybrid   *self,
                      const char *name)
{
  g_return_val_if_fail (SD_IS_HYBRID (self), NULL);

  return find_member (self->members, name);
}

static void
sd_hybrid_finalize (GObject *object)
{
  SdHybrid *self = SD_HYBRID (object);

  g_clear_pointer (&self->members, g_array_unref);
  g_clear_object (&self->popularity);
  g_clear_object (&self->content);
  g_free (self->weights);
  g_free (self->member_params);
  G_OBJECT_CLASS (sd_hybrid_parent_class)->finalize (object);
}

static void
sd_hybrid_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdHybrid *self = SD_HYBRID (object);

  switch (prop_id)
    {
    case PROP_WEIGHTS: g_value_set_string (value, self->weights); break;
    case PROP_MEMBER_PARAMS: g_value_set_string (value, self->member_params); break;
    case PROP_NORMALIZE: g_value_set_enum (value, self->normalize); break;
    case PROP_COLD_START_MIN: g_value_set_int (value, self->cold_start_min); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_hybrid_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SdHybrid *self = SD_HYBRID (object);

  switch (prop_id)
    {
    case PROP_WEIGHTS:
      g_free (self->weights);
      self->weights = g_value_dup_string (value);
      break;
    case PROP_MEMBER_PARAMS:
      g_free (self->member_params);
      self->member_params = g_value_dup_string (value);
      break;
    case PROP_NORMALIZE: self->normalize = g_value_get_enum (value); break;
    case PROP_COLD_START_MIN: self->cold_start_min = g_value_get_int (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_hybrid_class_init (SdHybridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *model_class = SD_RECOMMENDER_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sd_hybrid_finalize;
  object_class->get_property = sd_hybrid_get_property;
  object_class->set_property = sd_hybrid_set_property;

  model_class->name = "hybrid";
  model_class->label = N_("Hybrid (blend)");
  /* TRANSLATORS: what the model does, for a shop manager choosing one */
  model_class->summary = N_("Blends several models, and falls back to similar words and best sellers for customers with little history");
  model_class->fit = sd_hybrid_fit;
  model_class->score = sd_hybrid_score;
  model_class->explain = sd_hybrid_explain;
  model_class->save = sd_hybrid_save;
  model_class->forget_user = sd_hybrid_forget_user;
  model_class->load = sd_hybrid_load;

  properties[PROP_WEIGHTS] =
    g_param_spec_string ("weights", N_("Weights"), N_("Models and their weights, as in als:0.6,itemknn:0.3,content:0.1,popularity:0.05"),
                         "als:0.6,itemknn:0.3,content:0.1,popularity:0.05", flags);
  properties[PROP_MEMBER_PARAMS] =
    g_param_spec_string ("member-params", N_("Member parameters"), N_("Parameters of the members, as in als.factors=32,als.reg=0.1"),
                         "", flags);
  properties[PROP_NORMALIZE] =
    g_param_spec_enum ("normalize", N_("Normalisation"), N_("How each member’s scores are put on one scale: zscore or minmax"),
                       SD_TYPE_HYBRID_NORMALIZE, SD_HYBRID_ZSCORE, flags);
  properties[PROP_COLD_START_MIN] =
    g_param_spec_int ("cold-start-min", N_("Cold-start threshold"), N_("Customers with fewer interactions get content and popularity"),
                      0, 1000, 3, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_hybrid_init (SdHybrid *self)
{
}

SdRecommender *
sd_hybrid_new (void)
{
  return g_object_new (SD_TYPE_HYBRID, NULL);
}
