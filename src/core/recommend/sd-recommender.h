/* sd-recommender.h — the one interface every recommendation model sits behind
 *
 * A model is a subclass of SdRecommender (one file pair each: sd-als.c, sd-ease.c, …).
 * Its hyperparameters are GObject properties with ranges, so the Training page can build
 * editors from the GParamSpecs and sd_recommender_set_param() can refuse bad values with
 * a message. The base class does what every model shares: filters, top-N, save/load of
 * the parameters, timing.
 */
#pragma once

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-interactions.h"
#include "sd-job.h"

G_BEGIN_DECLS

typedef struct {
  guint item;
  float score;
} SdScoredItem;

typedef enum {
  SD_REASON_SIMILAR_ITEM,   /* "bought X (similarity 0.42)" */
  SD_REASON_SIMILAR_USERS,  /* "customers like you (N) bought it" */
  SD_REASON_CONTENT,        /* "matches 'vintage', 'heart'" */
  SD_REASON_FACTOR,         /* a history item that contributed most to a factor score */
  SD_REASON_POPULAR,        /* "popular: bought by N customers" */
} SdReasonKind;

typedef struct {
  SdReasonKind kind;
  guint        item;      /* the history item it refers to, or G_MAXUINT */
  double       weight;    /* similarity or contribution */
  /* This reason's part of what speaks for the item (0…1): its term over the positive terms
   * of the customer's history, where the model's score is a sum of such terms (ALS, EASE,
   * item kNN), or of a blend's score for such a member's reason in a Hybrid; what a person
   * can read beside a score. 0 where the weight is a similarity only (BPR, content). */
  double       share;
  guint        count;     /* customers (SIMILAR_USERS, POPULAR) */
  char        *terms;     /* matched words (CONTENT), comma-separated */
} SdReason;

void  sd_reason_free     (SdReason *reason);
/* A sentence a store manager can read, using the catalog's titles: where the model gives a
 * history item a share of the score, whether it is most of it ("mostly because of Red
 * Mug") or part ("partly because of Red Mug"), else in words; never the model's raw
 * measure (that is sd_reason_describe_numbers'). */
char *sd_reason_describe (const SdReason *reason,
                          SdCatalog      *catalog);
/* The raw figures behind it for an expert (a tooltip): "contribution 0.0612, share 0.043",
 * '.' decimals in any locale, not translated (the models' own terms). */
char *sd_reason_describe_numbers (const SdReason *reason);
/* "factor", "similar_item", …: the kind as --json names it. */
const char *sd_reason_kind_name (SdReasonKind kind);
/* Sets each reason's share to its weight over @total, the sum of the positive terms of
 * every history item (0 when @total is not above 0). */
void  sd_reasons_set_shares (GPtrArray *reasons,
                             double     total);
/* The reasons worth telling a person, the weightiest share first: shares under a tenth of
 * the score are dropped behind the first reason (a tooltip's "2 %" is noise in a list). */
void  sd_reasons_for_people (GPtrArray *reasons);

typedef struct {
  gboolean    exclude_seen;          /* leave out the user's training items */
  gboolean    exclude_out_of_stock;  /* needs a catalog with stock */
  const char *boost_category;        /* scores in it are raised by boost */
  const char *bury_category;         /* scores in it are lowered; NULL for none */
  double      boost;                 /* e.g. 0.5: +50 % of the score range */
} SdRecFilter;

typedef struct _SdRecommender SdRecommender;

/* Takes the next @size bytes of a saved model (sd_recommender_save_to); FALSE with
 * @error stops the writing. */
typedef gboolean (*SdRecommenderWriteFunc) (gconstpointer   data,
                                            gsize           size,
                                            gpointer        user_data,
                                            GError        **error);

typedef struct {
  SdJob        *job;          /* nullable: progress and metric points ("loss" per epoch) */
  GCancellable *cancellable;
  /* Called after each epoch of an iterative model (e.g. to evaluate on a validation
   * split and report "ndcg@10"); may be NULL. */
  void        (*epoch_done) (SdRecommender *model,
                             int            epoch,
                             double         loss,
                             gpointer       user_data);
  gpointer      user_data;
} SdFitContext;

#define SD_TYPE_RECOMMENDER (sd_recommender_get_type ())
G_DECLARE_DERIVABLE_TYPE (SdRecommender, sd_recommender, SD, RECOMMENDER, GObject)

struct _SdRecommenderClass
{
  GObjectClass parent_class;

  const char  *name;     /* "als": what the CLI's --model takes */
  const char  *label;    /* "ALS (implicit)": for people */
  const char  *summary;  /* what it does in plain words, for a shop manager choosing one */

  /* @train is the base's (sd_recommender_get_train) and lives as long as the model. */
  gboolean   (*fit)     (SdRecommender      *self,
                         SdInteractions     *train,
                         const SdFitContext *context,
                         GError            **error);
  /* Fills scores[0..n_items) for dense user @user; higher is better. Thread-safe. */
  void       (*score)   (SdRecommender      *self,
                         guint               user,
                         float              *scores);
  /* Up to @max SdReason * for why @item is recommended to @user (may be empty), strongest
   * first; the array frees its elements (sd_reason_free). The default returns none. */
  GPtrArray *(*explain) (SdRecommender      *self,
                         guint               user,
                         guint               item,
                         guint               max);
  /* The learned state (not the parameters: the base saves those). */
  GBytes    *(*save)    (SdRecommender      *self);
  gboolean   (*load)    (SdRecommender      *self,
                         GBytes             *state,
                         GError            **error);
  /* Removes what the model keeps of dense user @user alone (a factor row, a neighbour
   * list), so a forgotten customer leaves no row in the saved state; NULL for models whose
   * state is per item only. What the user taught the shared parameters stays until the
   * model is trained again. */
  void       (*forget_user) (SdRecommender  *self,
                             guint           user);
  /* For a state too large to hold twice (ALS on a million customers): its size, then the
   * same bytes save() returns, handed to @write a piece at a time. NULL: save() is used. */
  gsize      (*state_size)  (SdRecommender  *self);
  gboolean   (*write_state) (SdRecommender          *self,
                             SdRecommenderWriteFunc  write,
                             gpointer                user_data,
                             GError                **error);

  gpointer padding[5];
};

/* The models by name ("popularity", "itemknn", "userknn", "content", "als", "bpr",
 * "ease", "hybrid"). NULL with an error naming the known ones for an unknown name. */
SdRecommender  *sd_recommender_new          (const char         *name,
                                             GError            **error);
const char    **sd_recommender_list_names   (void);

const char     *sd_recommender_get_name     (SdRecommender      *self);
const char     *sd_recommender_get_label    (SdRecommender      *self);
/* What the model does in a sentence a shop manager can read (no algorithm's name), in the
 * user's language; "" for a model without one. */
const char     *sd_recommender_get_summary  (SdRecommender      *self);

/* KEY=VALUE from the CLI or an editor: refused with a message naming the parameter and
 * its range when the value does not parse or is out of range. */
gboolean        sd_recommender_set_param    (SdRecommender      *self,
                                             const char         *key,
                                             const char         *value,
                                             GError            **error);
/* The hyperparameters as a JSON object, e.g. {"factors": 64, "reg": 0.05}. */
char           *sd_recommender_params_to_json (SdRecommender    *self);

void            sd_recommender_set_catalog  (SdRecommender      *self,
                                             SdCatalog          *catalog);
SdCatalog      *sd_recommender_get_catalog  (SdRecommender      *self);
SdInteractions *sd_recommender_get_train    (SdRecommender      *self);

gboolean        sd_recommender_fit          (SdRecommender      *self,
                                             SdInteractions     *train,
                                             const SdFitContext *context,
                                             GError            **error);
double          sd_recommender_get_fit_seconds (SdRecommender   *self);
gboolean        sd_recommender_is_fitted    (SdRecommender      *self);

void            sd_recommender_score        (SdRecommender      *self,
                                             guint               user,
                                             float              *scores);
/* The best @n items for dense user @user after @filter (NULL: exclude seen only). */
GArray         *sd_recommender_recommend    (SdRecommender      *self,
                                             guint               user,
                                             guint               n,
                                             const SdRecFilter  *filter);
/* What recommend does after scoring: the filter applied to a user's scores in place
 * (excluded items become -INFINITY). For models and evaluation code that score themselves. */
void            sd_recommender_apply_filter (SdRecommender      *self,
                                             guint               user,
                                             const SdRecFilter  *filter,
                                             float              *scores);
/* The best @n of @scores[0..n_items), best first (SdScoredItem); NaN and -INFINITY
 * entries are skipped, ties go to the lower index. O(n_items log n). */
GArray         *sd_top_n                    (const float        *scores,
                                             guint               n_items,
                                             guint               n);
GPtrArray      *sd_recommender_explain      (SdRecommender      *self,
                                             guint               user,
                                             guint               item,
                                             guint               max);

/* Items like @item as the model sees them, for models without a similarity of their own:
 * the items it ranks highest, on average over the customers who have @item (each
 * customer's scores scaled to 0..1; at most @max_users of them, evenly spaced), @item
 * itself left out (SdScoredItem, best first; empty when nobody has it). */
GArray         *sd_recommender_similar_by_holders (SdRecommender *self,
                                                   guint          item,
                                                   guint          n,
                                                   guint          max_users);

/* Drops dense user @user's own rows from the model's state (see forget_user); FALSE when
 * the model keeps nothing per user. */
gboolean        sd_recommender_forget_user  (SdRecommender      *self,
                                             guint               user);
/* The matrix shape a saved blob belongs to. FALSE when it is not a Shopdesk model. */
gboolean        sd_recommender_blob_shape   (GBytes             *blob,
                                             guint              *n_users,
                                             guint              *n_items);
/* The same blob with dense user @user's rows dropped (sd_recommender_forget_user), loaded
 * against a matrix of the blob's own shape; *@changed says whether the model kept any. */
GBytes         *sd_recommender_blob_forget_user (GBytes         *blob,
                                             guint               user,
                                             gboolean           *changed,
                                             GError            **error);

/* Parameters and learned state in one blob (for the `models` table), and back. */
GBytes         *sd_recommender_save         (SdRecommender      *self);
/* The same blob without holding it whole: its size first, then its bytes in order to
 * @write. Only a model that saves in pieces (write_state) never has its state in memory
 * twice; for the others the size costs a save(). */
gboolean        sd_recommender_saves_in_pieces (SdRecommender   *self);
gsize           sd_recommender_saved_size   (SdRecommender      *self);
gboolean        sd_recommender_save_to      (SdRecommender          *self,
                                             SdRecommenderWriteFunc  write,
                                             gpointer                user_data,
                                             GError                **error);
/* An SdRecommenderWriteFunc that appends to the GByteArray it is given. */
gboolean        sd_recommender_append_to_array (gconstpointer   data,
                                                gsize           size,
                                                gpointer        byte_array,
                                                GError        **error);
SdRecommender  *sd_recommender_load         (GBytes             *blob,
                                             SdInteractions     *train,
                                             GError            **error);

/* For subclasses: report progress of epoch @epoch (counted from 1) of @n_epochs with its
 * loss (NAN for closed-form models, which have none: no "loss" point is sent then):
 * a "loss" metric point at step @epoch and the progress fraction go to the job, then
 * context->epoch_done runs (the model counts as fitted while it does, so the callback can
 * score), then cancellation is checked. Returns FALSE with @error set when cancelled. */
gboolean        sd_recommender_report_epoch (SdRecommender      *self,
                                             const SdFitContext *context,
                                             int                 epoch,
                                             int                 n_epochs,
                                             double              loss,
                                             GError            **error);

G_END_DECLS
