/* sd-dialogue.h — the chatbot's dialogue manager: sessions, forms, replies, traces
 *
 * A turn goes: sanitise the message (invalid UTF-8, control characters and oversize
 * input get a safe reply), detect the language, extract entities, score sentiment,
 * classify the intent (through SdDialogueClassifyFunc, so any classifier fits), then
 * decide: fill a form's slot and resume it, answer a new topic and offer to go back,
 * ask which of two close intents was meant, fall back, or offer a person. Replies are
 * templates from chat_templates filled from the shop's tables with bound parameters.
 * Every turn returns an SdTurnTrace saying what was understood and where the answer
 * came from, which the Chatbot page and `shopdesk-cli chat --explain` show.
 */
#pragma once

#include <gio/gio.h>

#include "sd-chat-linear.h"
#include "sd-entities.h"
#include "sd-intent-model.h"
#include "sd-job.h"
#include "sd-sentiment.h"
#include "sd-store.h"

G_BEGIN_DECLS

#define SD_DIALOGUE_MAX_MESSAGE_BYTES 4096
#define SD_DIALOGUE_N_TOP 3

/* A classifier: fills up to @n guesses (best first, probabilities in 0..1) for @text in
 * @lang, returns how many; sets *@out_of_scope when it judges the text to be none of
 * its intents (by its own threshold). Intent strings must stay valid until the next call. */
typedef guint (*SdDialogueClassifyFunc) (const char    *text,
                                         const char    *lang,
                                         SdIntentGuess *top,
                                         guint          n,
                                         gboolean      *out_of_scope,
                                         gpointer       user_data);

/* Personal recommendations for @customer_id (0: anonymous): fills @product_ids with up to
 * @n products.id, best first, and returns a short name of the source ("als", "popularity").
 * Without one the dialogue uses the newest recommender stored in the models table (for
 * customers it knows), else the products most bought in the customer's categories. */
typedef const char *(*SdDialogueRecommendFunc) (gint64    customer_id,
                                                guint     n,
                                                GArray   *product_ids,
                                                gpointer  user_data);

typedef enum {
  SD_TURN_ANSWER,      /* answered the intent from templates and data */
  SD_TURN_ASK,         /* a form asked for a missing slot */
  SD_TURN_CLARIFY,     /* the top two intents were close: asked which */
  SD_TURN_FALLBACK,    /* did not understand */
  SD_TURN_HANDOFF,     /* offered or made a hand-off to a person */
  SD_TURN_REFUSE,      /* declined to show data that is not this customer's */
  SD_TURN_UNSAFE,      /* the input could not be used (invalid UTF-8, too long); empty is a fallback */
  SD_N_TURN_ACTIONS
} SdTurnAction;

const char *sd_turn_action_to_string (SdTurnAction action);

typedef struct {
  char   *intent;
  double  prob;
} SdTurnIntent;

/* What an optional language model made of a turn (src/core/llm fills it in after the
 * template reply is made; the dialogue itself never generates). */
typedef struct {
  gboolean  used;              /* the generated text was sent instead of the template reply */
  char     *text;              /* what the model wrote (also when it was rejected), or NULL */
  char     *template_reply;    /* the template reply it was made from */
  char     *status;            /* "ok", "unreachable", "timeout", "http_error", "bad_response", "cancelled" */
  char     *rejected_reason;   /* NULL when used: a guardrail ("invented_number", …) or the status */
  char     *rejected_detail;   /* what the check found, for the inspector */
  gint64    latency_ms;        /* from the request to the last token */
  guint     tokens;            /* tokens generated (the server's count, else streamed chunks) */
} SdTurnGeneration;

void              sd_turn_generation_free (SdTurnGeneration *generation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTurnGeneration, sd_turn_generation_free)

/* Whether a stored intent model was trained on the examples the chatbot has now: a newer
 * Shopdesk's built-in examples or the staff's edits come after it until it is trained again. */
typedef enum {
  SD_MODEL_EXAMPLES_CURRENT,     /* the same examples (or no stored model) */
  SD_MODEL_EXAMPLES_CHANGED,     /* examples were added, edited or removed since */
  SD_MODEL_EXAMPLES_UNKNOWN,     /* trained by a Shopdesk that did not record them */
} SdModelExamples;

/* Why a message heard as negative is not treated as upset: the review-trained model hears
 * moods in words that carry none here. */
typedef enum {
  SD_MOOD_KEPT,                  /* not set aside: the mood heard is the turn's */
  SD_MOOD_ASIDE_BARE_REQUEST,    /* "refund progress" (sd_sentiment_is_bare_request()) */
  SD_MOOD_ASIDE_CHOICE,          /* picks from the list the bot offered: "the striped one", "2" */
  SD_MOOD_ASIDE_NOT_FOUND,       /* asks of a product the shop does not have: "price of the teleporter?" */
  SD_MOOD_ASIDE_OTHER_COLOUR,    /* asks for another colour of the product before: "and the red one?" */
  SD_MOOD_ASIDE_PRICE_EXTREME,   /* asks for the cheapest or dearest: "and the most expensive?" */
  SD_N_MOODS_ASIDE
} SdMoodAside;

/* "bare_request", "choice", "product_not_found", "other_colour", "price_extreme" (for JSON; NULL for SD_MOOD_KEPT). */
const char *sd_mood_aside_to_string (SdMoodAside why);

typedef struct {
  char              *text;            /* the message as understood (sanitised); spans refer to it */
  char              *lang;            /* "en" or "zh_CN", detected */
  char              *read_as;         /* the text the built-in classifiers read, where it is not
                                       * @text: product names masked, typing slips mended */
  gboolean           read_as_products;  /* @read_as has product names replaced */
  gboolean           read_as_slips;     /* @read_as has typing slips mended */
  char              *reply;

  /* understanding */
  char              *classifier;      /* which model classified: "intent model #3", "fallback linear" */
  SdModelExamples    classifier_examples;  /* a stored model's: trained on today's examples? */
  SdTurnIntent       top[SD_DIALOGUE_N_TOP];
  guint              n_top;
  gboolean           out_of_scope;
  char              *intent;          /* the intent acted on (a resumed form's, a confirmed one…) */
  double             confidence;      /* its probability */
  gboolean           from_entities;   /* @intent is what the order number or product the message
                                       * names is about, where the classifier placed nothing */
  GPtrArray         *entities;        /* SdEntity */
  SdSentimentResult  sentiment;
  SdMoodAside        mood_set_aside;  /* heard as negative, but not treated as upset, and why */

  /* dialogue state after the turn */
  SdTurnAction       action;
  char              *form;            /* the active form's intent, or NULL */
  GStrv              slot_names;      /* the filled slots, parallel to slot_values */
  GStrv              slot_values;
  GStrv              choices;         /* "Which one do you mean?" waits: the products listed
                                       * ("HOT BATHS METAL SIGN (£2.55)"), else NULL */
  char              *choices_name;    /* the name they fit, as the customer wrote it, or NULL */
  guint              n_candidates;    /* how many products the pick is of (listed or not) */
  guint              misunderstandings;
  gboolean           handoff;         /* the conversation was handed to a person */

  /* where the answer came from */
  char              *template_key;    /* "order_status", "order_status.ask", "sys.fallback" … */
  gint64             template_id;     /* chat_templates.id, 0 when none */
  GPtrArray         *data_rows;       /* char *: "orders.id=12 SD-100234 status=shipped", … */
  GStrv              fact_names;      /* what the template was filled with: order_id, status, … */
  GStrv              fact_values;     /* parallel: this turn's facts, and nothing else */
  SdTurnGeneration  *generation;      /* NULL unless a language model was asked */
  gint64             elapsed_us;      /* wall time of the turn */
  gint64             cpu_us;          /* CPU time of the turn (this thread) */
} SdTurnTrace;

void        sd_turn_trace_free   (SdTurnTrace *trace);
/* Attaches @generation (taken); when it was used, the trace's reply becomes its text. */
void        sd_turn_trace_set_generation (SdTurnTrace      *trace,
                                          SdTurnGeneration *generation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTurnTrace, sd_turn_trace_free)
/* One JSON object (for the page, tests and scripts). */
char       *sd_turn_trace_to_json (const SdTurnTrace *trace);
/* Readable lines for a terminal (`chat --explain`), in the user's language. */
char       *sd_turn_trace_format  (const SdTurnTrace *trace);
/* The classifier a trace names, for people: "the fallback linear classifier", "the live
 * intent model #3". */
char       *sd_turn_trace_classifier_label (const char *classifier);

/* A conversation. Customer 0 is an anonymous visitor. @lang: "en", "zh_CN", or NULL to
 * start in English; later messages switch it when they are clearly in the other. */
typedef struct _SdChatSession SdChatSession;

SdChatSession *sd_chat_session_new        (gint64         customer_id,
                                           const char    *lang);
void           sd_chat_session_free       (SdChatSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdChatSession, sd_chat_session_free)
gint64         sd_chat_session_get_customer (SdChatSession *session);
const char    *sd_chat_session_get_lang   (SdChatSession *session);
const char    *sd_chat_session_get_form   (SdChatSession *session);
guint          sd_chat_session_get_n_turns (SdChatSession *session);
/* The turns so far as a JSON array of {user, bot, intent, action, facts} (for chat_tests).
 * With @match_facts each turn says "match": "facts": a replay then checks the intent and
 * that the same facts were found, not the wording (for generated replies, or templates that
 * change). */
char          *sd_chat_session_to_json    (SdChatSession *session);
char          *sd_chat_session_to_json_full (SdChatSession *session,
                                             gboolean       match_facts);

#define SD_TYPE_DIALOGUE (sd_dialogue_get_type ())
G_DECLARE_FINAL_TYPE (SdDialogue, sd_dialogue, SD, DIALOGUE, GObject)

/* A dialogue manager on @store (main-thread connection of its thread). Seeds the built-in
 * corpus into the store if it has none, loads the catalogue dictionary, and trains the
 * built-in sentiment model; the intent classifier is the fallback linear one, trained on
 * the store's examples at the first turn, until sd_dialogue_set_classifier(). */
SdDialogue  *sd_dialogue_new             (SdStore                 *store,
                                          GError                 **error);
void         sd_dialogue_set_classifier  (SdDialogue              *self,
                                          SdDialogueClassifyFunc   func,
                                          gpointer                 user_data,
                                          GDestroyNotify           destroy);
/* Classifies with @model averaged with the fallback linear classifier (sd-intent-blend),
 * out of scope below the model's own threshold. sd_dialogue_new() does this by itself with
 * the newest model of kind "intent" in the shop's models table whose labels are the chat
 * intents, and the threshold tuned for the two when it was trained. */
void         sd_dialogue_set_intent_model (SdDialogue             *self,
                                           SdIntentModel          *model,
                                           const char             *name);
/* The settings the chatbot's intent model trains with: sd_intent_params_init()'s, the
 * out-of-scope intent, and what cross-validation by paraphrase group on the training part
 * of the built-in corpus chose (README.md, "The chatbot"). */
void         sd_dialogue_intent_params_init (SdIntentParams        *params);
/* @examples (SdChatExample *) as the intent model's training data, each in its paraphrase
 * group (a built-in example read from a store gets the group the corpus gives it), so
 * that the model's calibration split holds out whole groups. */
SdIntentData *sd_dialogue_intent_data      (GPtrArray              *examples);
/* The out-of-scope threshold of the intent model averaged with the fallback (SdIntentBlend),
 * by sd-oos's rule (SD_OOS_TARGET_RECALL): both trained again without a fifth of
 * @examples' paraphrase groups and scored on it. Costs a training of each. */
gboolean     sd_dialogue_tune_blend_threshold (GPtrArray          *examples,
                                               double             *threshold,
                                               GCancellable       *cancellable,
                                               GError            **error);
/* Trains an intent model on all of @store's chat examples (built-in, staff and
 * corrections) and stores it in the models table (kind "intent", name "chat", the tuned
 * threshold of the averaged classifiers as params "blend_threshold"), so the next
 * dialogue uses it; for a background job (opens nothing itself: give it the
 * worker's own store). Progress and the loss per epoch go to @job. */
SdIntentModel *sd_dialogue_train_intent_model (SdStore               *store,
                                               SdJob                 *job,
                                               GCancellable          *cancellable,
                                               GError               **error);
/* The same as a background job for the app ("Correct this" retrains with it): opens its
 * own connection to @db_path, records a run (kind "chatbot", model "intent") whose loss
 * curve the Training page shows, and stores the model. */
SdJob       *sd_dialogue_train_job_new   (const char              *db_path);
void         sd_dialogue_set_recommender (SdDialogue              *self,
                                          SdDialogueRecommendFunc  func,
                                          gpointer                 user_data,
                                          GDestroyNotify           destroy);
/* Out-of-scope threshold for classifiers that do not decide it. Without it, the fallback
 * classifier uses the one sd-oos's rule tuned on held-out groups of its examples (the
 * rule chat-eval --valid uses), a custom classifier 0.35. */
void         sd_dialogue_set_oos_threshold (SdDialogue            *self,
                                            double                 threshold);
/* Fixes "now" for relative dates and ETAs (tests); NULL for the clock. */
void         sd_dialogue_set_now         (SdDialogue              *self,
                                          GDateTime               *now);
/* Trains the fallback intent classifier (or reads it from its cache) in a worker thread
 * (about 0.1 s of CPU), so the first message does not do it on the main thread; it is
 * needed alone and beside an intent model, which is averaged with it; done at once when
 * another classifier is set. Call from the thread that owns the store. */
void         sd_dialogue_prepare_async   (SdDialogue              *self,
                                          GCancellable            *cancellable,
                                          GAsyncReadyCallback      callback,
                                          gpointer                 user_data);
gboolean     sd_dialogue_prepare_finish  (SdDialogue              *self,
                                          GAsyncResult            *result,
                                          GError                 **error);
/* The same here and now, for a dialogue that lives in a worker thread of its own. */
gboolean     sd_dialogue_prepare         (SdDialogue              *self,
                                          GCancellable            *cancellable,
                                          GError                 **error);
/* Drops cached catalogue, classifier and coupon data (after an import or retraining). */
void         sd_dialogue_reload          (SdDialogue              *self);

/* Answers @message in @session. Never fails: broken input gets a safe reply. */
SdTurnTrace *sd_dialogue_respond         (SdDialogue              *self,
                                          SdChatSession           *session,
                                          const char              *message);

/* A turn of a saved test conversation whose answer is now different. */
typedef struct {
  guint  turn;             /* from 0 */
  char  *user;
  char  *expected_reply;
  char  *actual_reply;
  char  *expected_intent;
  char  *actual_intent;
} SdChatTestDiff;

void         sd_chat_test_diff_free      (SdChatTestDiff          *diff);

/* Plays the user turns of @transcript_json (from sd_chat_session_to_json()) in a new
 * session and returns the turns whose reply or intent differ — or, for a turn saved with
 * "match": "facts", whose intent or facts differ (SdChatTestDiff *; empty
 * when the conversation still goes the same way). NULL with @error for a transcript
 * that does not parse. */
GPtrArray   *sd_dialogue_replay          (SdDialogue              *self,
                                          gint64                   customer_id,
                                          const char              *lang,
                                          const char              *transcript_json,
                                          GError                 **error);

G_END_DECLS
