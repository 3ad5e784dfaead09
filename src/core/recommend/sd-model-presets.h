/* sd-model-presets.h — settings in plain words: presets per model and what each setting
 * does for the shop
 *
 * A store manager picks "Fast", "Balanced" or "Best quality" and the model's expert
 * settings follow; each setting also has a sentence that says what it changes in the
 * shop's recommendations rather than in the maths. The presets trade training time for
 * quality along the settings that matter for each model (ALS: factors and iterations;
 * BPR: factors, epochs and optimiser; item kNN: neighbours; …); they were checked on the
 * demo shop (tests/test-live-models.c: for ALS and item kNN, Best quality scores at least
 * as well as Fast; every preset is accepted by its model).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_PRESET_FAST,
  SD_PRESET_BALANCED,
  SD_PRESET_BEST,
  SD_N_PRESETS
} SdPreset;

/* "fast", "balanced", "best" */
const char         *sd_preset_to_string        (SdPreset    preset);
gboolean            sd_preset_from_string      (const char *text,
                                                SdPreset   *preset);
/* "Fast", "Balanced", "Best quality", translated */
const char         *sd_preset_get_label        (SdPreset    preset);
/* For people: what the preset does for @model, translated; NULL when @model has none. */
const char         *sd_preset_describe         (const char *model,
                                                SdPreset    preset);
/* The KEY=VALUE settings of @preset for @model (NULL-terminated, static); NULL when the
 * model has no presets (one with a single setting that Tune… finds, say). */
const char * const *sd_preset_get_params       (const char *model,
                                                SdPreset    preset);
/* What setting @key of @model does for the shop, translated; NULL when there is no plain
 * description (the model's own blurb is used then). */
const char         *sd_model_param_describe    (const char *model,
                                                const char *key);
/* Whether @key is a setting a store manager may want to see by default; the others are
 * folded under "Expert settings". */
gboolean            sd_model_param_is_everyday (const char *model,
                                                const char *key);

G_END_DECLS
