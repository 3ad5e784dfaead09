/* sd-dialogue-private.h — what the files of the dialogue manager share
 *
 * SdDialogue is split across files by job (sd-dialogue.c holds the type and the turn);
 * this header is theirs alone, never installed or included elsewhere.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include <string.h>

#include "sd-dialogue.h"
#include "sd-json.h"
#include "sd-model-store.h"
#include "sd-intent-blend.h"
#include "sd-coupon-engine.h"
#include "sd-customer-facts.h"

G_BEGIN_DECLS

#define CLARIFY_MARGIN 0.12
#define CLARIFY_MAX_TOP 0.55
#define FALLBACK_EPOCHS 12
/* The corpus's examples of what a shop's chatbot does not answer (weather, jokes, …). */
#define OOS_INTENT "out_of_scope"

typedef struct {
  char *user;
  char *bot;
  char *intent;
  SdTurnAction action;
  GStrv fact_names;
  GStrv fact_values;
} SdTurnRecord;

struct _SdChatSession
{
  gint64      customer_id;
  char       *lang;
  char       *form;             /* the intent whose form waits for a slot */
  gboolean    form_paused;      /* a topic switch happened; resuming was offered */
  GHashTable *slots;            /* name → value */
  char       *clarify[2];       /* the two intents a clarifying question offered */
  gboolean    handoff_offered;
  gboolean    handed_off;
  gboolean    upset;            /* a message was heard as negative (until a positive one) */
  double      form_confidence;  /* how sure the classifier was of the form's intent */
  double      order_confidence; /* how sure the last answer about an order was */
  guint       misunderstandings;
  GPtrArray  *turns;            /* SdTurnRecord */
  /* "Which one do you mean?" asked of a name several products fit: all of them, and the few
   * listed, in the order of their numbers; NULL when no such question waits */
  GArray     *candidates;       /* products.id */
  GArray     *choices;          /* products.id */
  char       *choices_name;     /* the name they fit, as the customer wrote it, or NULL */
  GPtrArray  *choice_lines;     /* the choices as listed: "HOT BATHS METAL SIGN (£2.55)" */
  /* the name the last reply gave the cheapest or dearest of ("cheapest lantern?"), which "and
   * the most expensive?" right after it asks about again; NULL after any other reply */
  char       *extreme_name;
  /* the products the last search listed, in its order: "the regency one" right after it is
   * one of them before one of the whole catalogue */
  GArray     *shown;            /* products.id */
};

struct _SdDialogue
{
  GObject                  parent_instance;

  SdStore                 *store;
  SdEntityExtractor       *extractor;
  SdSentiment             *sentiment;
  SdChatLinear            *fallback;
  SdIntentModel           *intent_model;
  SdIntentBlend            blend;      /* how intent_model and the fallback are averaged */
  char                    *classifier_name;
  char                    *model_examples;    /* the stored model's examples digest, or NULL */
  SdModelExamples          model_age;         /* set once the current examples are read */
  SdDialogueClassifyFunc   classify;
  gpointer                 classify_data;
  GDestroyNotify           classify_destroy;
  SdDialogueRecommendFunc  recommend;
  gpointer                 recommend_data;
  GDestroyNotify           recommend_destroy;
  double                   oos_threshold;
  gboolean                 oos_threshold_set;
  GDateTime               *now;
  SdCustomerFacts         *facts;      /* loaded at the first coupon question */
  SdCouponEngine          *coupons;
  gboolean                 coupons_tried;
  GArray                  *popular;    /* Popular, read at the first recommendation */
  int                      tracks_stock;   /* -1: not read yet; else whether any product has stock */
  SdRecommender           *rec_model;  /* the newest stored recommender, if any */
  SdInteractions          *rec_train;
  gint64                   rec_model_id;
  gboolean                 rec_tried;
  char                    *order_example;  /* the shape of this shop's order numbers */
  GStrv                    order_formats;  /* the shop's own, or learned from its orders */
  gboolean                 names_read;     /* english_example below is known */
  char                    *english_example;   /* a word of an English-only catalogue, or NULL */
};

typedef struct {
  SdDialogue    *self;
  SdChatSession *session;
  SdTurnTrace   *trace;
  const char    *lang;
  GHashTable    *vars;       /* template slot → text */
  GString       *prefix;     /* said before the template (an apology) */
  GString       *suffix;     /* said after it (an offer to resume, of a person) */
  gboolean       negative;
  gboolean       named_product;  /* this message named a product or category */
  const SdEntity *product;       /* the product it named, if any */
  GArray        *candidates;     /* the products that name fits (products.id), or NULL */
  gboolean       in_full;        /* one of them was named by its whole title */
  char          *previous_ref;   /* the product talked about before this message, or NULL */
  char          *previous_name;  /* the name it was asked or searched by ("jumbo bags"), or NULL */
  gboolean       picked;         /* the message picked a product from a "which one?" list */
  gboolean       was_upset;      /* the session's mood before this message */
  gsize          apology_len;    /* the apology at the start of @prefix, for the mood heard */
  gsize          offer_at;       /* where offer_person() put its offer in @suffix, … */
  gsize          offer_len;      /* … and its length (0: none) */
  gboolean       answer_offers;  /* the answer itself offers a person */
} SdTurn;

static inline gboolean
sd_turn_zh (SdTurn *t)
{
  return strcmp (t->lang, "zh_CN") == 0;
}

/* English or Chinese, by the turn's language. */
#define L(t, en, zh_text) (sd_turn_zh (t) ? (zh_text) : (en))

/* A product as the replies show it, in the customer's language (?3) where translated. */
#define PRODUCT_COLUMNS \
  "SELECT p.id, COALESCE (x.title, p.title), p.price_cents, p.stock, COALESCE (x.description, p.description), p.category " \
  "FROM products p LEFT JOIN product_texts x ON x.product_id = p.id AND x.lang = ?3 "

/* sd-chat-session.c */
void sd_chat_session_clear_choices (SdChatSession *s);
void sd_chat_session_clear_clarify (SdChatSession *s);
void sd_chat_session_set_form (SdChatSession *s, const char *form);

/* sd-dialogue-orders.c */
gboolean sd_dialogue_asks_about_the_order (const char *text);
gboolean sd_dialogue_folded_matches (const char *text, GRegex **regex, const char *pattern);
gboolean sd_dialogue_lacks_order_number (const char *text);
gboolean sd_dialogue_mentions_damage (const char *text);
gboolean sd_dialogue_names_newest_order (const char *text);
gboolean sd_dialogue_names_newest_order_by_name (const char *text);
const char *sd_dialogue_order_example (SdDialogue *self);
gboolean sd_dialogue_order_form_intent (const char *intent);
void sd_dialogue_take_bare_order_number (SdDialogue *self, SdTurnTrace *trace);
void sd_dialogue_take_lettered_order_number (SdDialogue *self, SdTurnTrace *trace);
void sd_turn_handle_order (SdTurn *t, const char *intent);
gboolean sd_turn_names_own_cancellation (SdTurn *t);

/* sd-dialogue-policy.c */
void sd_turn_handle_policy (SdTurn *t, const char *intent);
void sd_turn_policy_not_set (SdTurn *t, const char *key, const char *topic_en, const char *topic_zh);
void sd_turn_quote_policy (SdTurn *t, const char *key, const char *topic_en, const char *topic_zh, const char *template_key);
gboolean sd_turn_template_by_staff (SdTurn *t, const char *key);

/* sd-dialogue-products.c */
gboolean sd_dialogue_asks_about_one_product (const char *intent);
gboolean sd_dialogue_asks_price (const char *text);
gboolean sd_dialogue_asks_what_it_is (const char *text);
const char *sd_dialogue_english_only_example (SdDialogue *self);
gboolean sd_turn_chinese_words_on_english_names (SdTurn *t, const char *words, const char *intent);
gboolean sd_dialogue_is_bare_pick (const char *text);
gboolean sd_dialogue_mentions_code_trouble (const char *text);
gboolean sd_dialogue_mentions_payment_trouble (const char *text);
int sd_dialogue_price_extreme (const char *text);
gboolean sd_dialogue_product_intent (const char *intent);
gboolean sd_dialogue_tracks_stock (SdDialogue *self);
guint sd_dialogue_words_besides_names (const SdTurnTrace *trace);
gboolean sd_turn_answer_price_extreme (SdTurn *t, GArray *ids, const char *name, int direction);
gboolean sd_turn_answer_count_price (SdTurn *t);
gboolean sd_turn_answer_other_colour (SdTurn *t);
gboolean sd_turn_answer_unnamed_extreme (SdTurn *t, int direction, const char *last_name);
void sd_turn_append_product (SdTurn *t, GString *out, sqlite3_stmt *stmt, gboolean with_stock);
void sd_turn_handle_product_detail (SdTurn *t, const char *intent);
void sd_turn_handle_product_search (SdTurn *t, const char *fallback_words);
gboolean sd_turn_names_a_product (SdTurn *t);
const char *sd_turn_take_choice (SdTurn *t, gboolean *asked_again);

/* sd-dialogue-reply.c */
void sd_dialogue_append_sentence (const char *lang, GString *s, const char *sentence);
void sd_turn_data_row (SdTurn *t, const char *format, ...) G_GNUC_PRINTF (2, 3);
char *sd_turn_date_text (SdTurn *t, gint64 at);
char *sd_turn_money (SdTurn *t, gint64 cents);
char *sd_turn_render (SdTurn *t, const char *key);
void sd_turn_reply (SdTurn *t, const char *key, SdTurnAction action);
void sd_turn_reply_with_detail (SdTurn *t, const char *key, SdTurnAction action, const char *detail);
char *sd_turn_shop_setting (SdTurn *t, const char *key);
void sd_turn_var (SdTurn *t, const char *name, const char *value);

/* sd-dialogue-suggest.c */
void sd_turn_handle_coupons (SdTurn *t);
void sd_turn_handle_recommendation (SdTurn *t);

/* sd-dialogue-understand.c */
void sd_chat_session_merge_entities (SdChatSession *s, GPtrArray *entities);
guint sd_dialogue_classify (SdDialogue *self, const char *text, const char *masked, const char *lang, SdIntentGuess *top, gboolean *oos, const char **name);
const char *sd_dialogue_detect_lang (const char *text, GPtrArray *entities, const char *current);
void sd_dialogue_drop_service_words (const char *text, GPtrArray *entities, gboolean about_products);
gboolean sd_dialogue_ends_on_question (const char *reply);
double sd_dialogue_fallback_threshold (SdDialogue *self);
gboolean sd_dialogue_has_entity (GPtrArray *entities, SdEntityKind kind);
const SdEntity *sd_dialogue_named_product (GPtrArray *entities);
gboolean sd_dialogue_names_only_an_order (const SdTurnTrace *trace);
gboolean sd_dialogue_names_service_beside_products (const char *text, GPtrArray *entities);
void sd_dialogue_read_as (SdDialogue *self, const char *masked, SdTurnTrace *trace);
char *sd_dialogue_sanitise (const char *message, const char **why);
gboolean sd_dialogue_says_anything (const char *text);
void sd_turn_finish_trace (SdTurn *t);

/* sd-dialogue.c */
void sd_dialogue_drop_coupons (SdDialogue *self);
void sd_dialogue_note_examples (SdDialogue *self, GPtrArray *examples);
SdJsonNode *sd_dialogue_stored_params (SdStore *store, gint64 model_id);
void sd_turn_offer_person (SdTurn *t);

G_END_DECLS
