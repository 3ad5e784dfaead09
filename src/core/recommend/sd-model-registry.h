/* sd-model-registry.h — which stored model is live for each purpose, and how it got there
 *
 * A shop keeps many trained models (a row of `models` per training). Each purpose —
 * recommendations, the chatbot's intents and sentiment, coupon interest — uses at most one
 * of them, its *live* model, chosen by a person: promoting a model makes it live, rolling
 * back returns to the one that was live before it. Every promotion and rollback is kept in
 * `model_promotions` with who did it, when and why, and the live model is what that
 * history leaves on top (a stack: a promotion pushes, a rollback pops), so rolling back
 * past the first promotion leaves none and consumers fall back to their own default.
 * Reads and writes only through @store, any thread on its own connection.
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_MODEL_PURPOSE_RECOMMENDATIONS,
  SD_MODEL_PURPOSE_CHAT_INTENTS,
  SD_MODEL_PURPOSE_CHAT_SENTIMENT,
  SD_MODEL_PURPOSE_COUPON_INTEREST,
  SD_N_MODEL_PURPOSES
} SdModelPurpose;

/* "recommendations", "chat-intents", "chat-sentiment", "coupon-interest" */
const char *sd_model_purpose_to_string   (SdModelPurpose  purpose);
gboolean    sd_model_purpose_from_string (const char     *text,
                                          SdModelPurpose *purpose);
/* For people, translated: "Recommendations", "Chatbot intents", … */
const char *sd_model_purpose_get_label   (SdModelPurpose  purpose);
/* The kind of `models` row a purpose takes: "recommender" (recommendations and coupon
 * interest), "intent" or "sentiment". */
const char *sd_model_purpose_get_kind    (SdModelPurpose  purpose);
/* The purpose a model of @kind serves when none is named; FALSE for a kind no purpose
 * takes. */
gboolean    sd_model_purpose_for_kind    (const char     *kind,
                                          SdModelPurpose *purpose);

/* One stored model as people see it. */
typedef struct {
  gint64  id;
  char   *kind;          /* "recommender", "intent", "sentiment" */
  char   *algorithm;     /* models.name: "ease", "als", "chat", … */
  char   *label;         /* the name given to its run, else "ease #12" */
  char   *note;          /* the run's note, or NULL */
  gint64  created;       /* unix seconds */
  gint64  run_id;        /* 0 when it came from no recorded run */
  char   *params;        /* JSON object text, or NULL */
  char   *metrics;       /* JSON object text, or NULL */
  guint   live_mask;     /* bit (1 << SdModelPurpose) for each purpose it is live for */
  gboolean needs_retraining; /* it learnt from a customer since forgotten */
} SdModelInfo;

void         sd_model_info_free  (SdModelInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdModelInfo, sd_model_info_free)

/* Every stored model, newest first (SdModelInfo *), with its live flags. */
GPtrArray   *sd_model_registry_list      (SdStore        *store,
                                          GError        **error);
/* One model; NULL with SD_ERROR_NOT_FOUND when there is no such id. */
SdModelInfo *sd_model_registry_get       (SdStore        *store,
                                          gint64          model_id,
                                          GError        **error);

/* The live model's id for @purpose; 0 when there is none, -1 with @error when the shop
 * cannot be read. A live model deleted since (by SQL from outside) counts as none. */
gint64       sd_model_registry_live_id   (SdStore        *store,
                                          SdModelPurpose  purpose,
                                          GError        **error);

/* Makes @model_id live for @purpose, recorded with @who and @note (either may be NULL).
 * Refused (SD_ERROR_INVALID_INPUT) when the model's kind does not serve @purpose, and
 * (SD_ERROR_NOT_FOUND) when there is no such model. One transaction. Promoting the model
 * that is live already changes nothing. */
gboolean     sd_model_registry_promote   (SdStore        *store,
                                          gint64          model_id,
                                          SdModelPurpose  purpose,
                                          const char     *who,
                                          const char     *note,
                                          GError        **error);
/* Returns @purpose to the model live before the current one (models deleted since are
 * skipped). *@now_live is that model's id, or 0 when no model is live any more.
 * SD_ERROR_NOT_FOUND when nothing is live to roll back from. One transaction. */
gboolean     sd_model_registry_rollback  (SdStore        *store,
                                          SdModelPurpose  purpose,
                                          const char     *who,
                                          const char     *note,
                                          gint64         *now_live,
                                          GError        **error);

typedef struct {
  gint64          id;
  SdModelPurpose  purpose;
  char           *action;     /* "promote" or "rollback" */
  gint64          model_id;   /* what became live; 0: none */
  gint64          at;
  char           *who;
  char           *note;
} SdPromotion;

void         sd_promotion_free           (SdPromotion *promotion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdPromotion, sd_promotion_free)

/* The promotions and rollbacks of @purpose (or of every purpose when @purpose is
 * SD_N_MODEL_PURPOSES), newest first, at most @limit (SdPromotion *). */
GPtrArray   *sd_model_registry_history   (SdStore        *store,
                                          SdModelPurpose  purpose,
                                          guint           limit,
                                          GError        **error);

/* Stores a trained model of any kind ("sentiment", "intent", …) as a `models` row with
 * no run; returns its id, or -1 with @error. */
gint64       sd_model_registry_store     (SdStore        *store,
                                          const char     *kind,
                                          const char     *name,
                                          const char     *metrics_json,
                                          GBytes         *blob,
                                          GError        **error);

/* The re-ranking saved with recommender @model_id ("mmr=0.5", sd-rerank.h), or NULL when
 * it has none (and when @error is set). */
char        *sd_model_registry_get_rerank (SdStore       *store,
                                           gint64         model_id,
                                           GError       **error);
/* Saves @spec ("KIND=STRENGTH"; NULL or "none" removes it) as a setting of recommender
 * @model_id, checked first. One transaction. */
gboolean     sd_model_registry_set_rerank (SdStore       *store,
                                           gint64         model_id,
                                           const char    *spec,
                                           const char    *who,
                                           GError       **error);

/* The user running Shopdesk, for the history's "who". */
const char  *sd_model_registry_default_who (void);

G_END_DECLS
