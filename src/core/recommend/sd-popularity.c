/* sd-popularity.c — the baseline every other model must beat
 *
 * Scores an item by how many customers interacted with it (not by summed weights: one
 * customer's hundred views should not outweigh a hundred customers). The same list for
 * everyone, so it is also the cold-start fallback.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sd-error.h"
#include "sd-popularity.h"

struct _SdPopularity
{
  SdRecommender parent_instance;

  guint  n_items;
  float *counts;
};

G_DEFINE_FINAL_TYPE (SdPopularity, sd_popularity, SD_TYPE_RECOMMENDER)

static gboolean
sd_popularity_fit (SdRecommender      *model,
                   SdInteractions     *train,
                   const SdFitContext *context,
                   GError            **error)
{
  SdPopularity *self = SD_POPULARITY (model);
  g_autofree guint *counts = sd_interactions_item_counts (train);

  g_clear_pointer (&self->counts, g_free);
  self->n_items = train->n_items;
  self->counts = g_new (float, MAX (train->n_items, 1));
  for (guint i = 0; i < train->n_items; i++)
    self->counts[i] = counts[i];
  return sd_recommender_report_epoch (model, context, 1, 1, NAN, error);
}

static void
sd_popularity_score (SdRecommender *model,
                     guint          user,
                     float         *scores)
{
  SdPopularity *self = SD_POPULARITY (model);
  memcpy (scores, self->counts, sizeof (float) * self->n_items);
}

static GPtrArray *
sd_popularity_explain (SdRecommender *model,
                       guint          user,
                       guint          item,
                       guint          max)
{
  SdPopularity *self = SD_POPULARITY (model);
  GPtrArray *reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);

  if (max > 0)
    {
      SdReason *reason = g_new0 (SdReason, 1);
      reason->kind = SD_REASON_POPULAR;
      reason->item = G_MAXUINT;
      reason->count = (guint) self->counts[item];
      reason->weight = self->counts[item];
      g_ptr_array_add (reasons, reason);
    }
  return reasons;
}

static GBytes *
sd_popularity_save (SdRecommender *model)
{
  SdPopularity *self = SD_POPULARITY (model);
  return g_bytes_new (self->counts, sizeof (float) * self->n_items);
}

static gboolean
sd_popularity_load (SdRecommender  *model,
                    GBytes         *state,
                    GError        **error)
{
  SdPopularity *self = SD_POPULARITY (model);
  guint n_items = sd_recommender_get_train (model)->n_items;
  gsize size;
  const float *data = g_bytes_get_data (state, &size);

  if (size != sizeof (float) * n_items)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("The saved popularity model has %zu bytes of counts, expected %u items"),
                   size, n_items);
      return FALSE;
    }
  g_clear_pointer (&self->counts, g_free);
  self->n_items = n_items;
  self->counts = g_memdup2 (data, size);
  return TRUE;
}

static void
sd_popularity_finalize (GObject *object)
{
  SdPopularity *self = SD_POPULARITY (object);

  g_clear_pointer (&self->counts, g_free);
  G_OBJECT_CLASS (sd_popularity_parent_class)->finalize (object);
}

static void
sd_popularity_class_init (SdPopularityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *rec_class = SD_RECOMMENDER_CLASS (klass);

  object_class->finalize = sd_popularity_finalize;
  rec_class->name = "popularity";
  rec_class->label = N_("Popularity");
  /* TRANSLATORS: what the model does, for a shop manager choosing one */
  rec_class->summary = N_("Recommends the best sellers to everyone: the baseline to beat, and what new customers get");
  rec_class->fit = sd_popularity_fit;
  rec_class->score = sd_popularity_score;
  rec_class->explain = sd_popularity_explain;
  rec_class->save = sd_popularity_save;
  rec_class->load = sd_popularity_load;
}

static void
sd_popularity_init (SdPopularity *self)
{
}
