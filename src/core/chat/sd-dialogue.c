/* sd-dialogue.c — the dialogue manager: its models, and one turn from message to reply
 *
 * Nothing in a customer's message ever becomes part of an SQL string: the text is only
 * bound as a parameter (LIKE patterns are escaped first), and only after it has been
 * checked for valid UTF-8, size and control characters.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-chat-corpus.h"
#include "sd-clock.h"
#include "sd-dialogue-private.h"
#include "sd-error.h"

G_DEFINE_FINAL_TYPE (SdDialogue, sd_dialogue, G_TYPE_OBJECT)

void
sd_dialogue_drop_coupons (SdDialogue *self)
{
  g_clear_pointer (&self->coupons, sd_coupon_engine_free);
  g_clear_pointer (&self->facts, sd_customer_facts_free);
  self->coupons_tried = FALSE;
}

static void
sd_dialogue_finalize (GObject *object)
{
  SdDialogue *self = SD_DIALOGUE (object);
  if (self->classify_destroy)
    self->classify_destroy (self->classify_data);
  if (self->recommend_destroy)
    self->recommend_destroy (self->recommend_data);
  sd_dialogue_drop_coupons (self);
  g_clear_pointer (&self->order_example, g_free);
  g_clear_pointer (&self->order_formats, g_strfreev);
  g_clear_pointer (&self->english_example, g_free);
  g_clear_pointer (&self->popular, g_array_unref);
  g_clear_object (&self->rec_model);
  g_clear_pointer (&self->rec_train, sd_interactions_unref);
  g_clear_pointer (&self->fallback, sd_chat_linear_free);
  g_clear_object (&self->intent_model);
  g_free (self->classifier_name);
  g_free (self->model_examples);
  g_clear_object (&self->extractor);
  g_clear_object (&self->sentiment);
  g_clear_object (&self->store);
  g_clear_pointer (&self->now, g_date_time_unref);
  G_OBJECT_CLASS (sd_dialogue_parent_class)->finalize (object);
}

static void
sd_dialogue_class_init (SdDialogueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_dialogue_finalize;
}

static void
sd_dialogue_init (SdDialogue *self)
{
  self->oos_threshold = 0.35;
  self->tracks_stock = -1;
}

/* A stored model's blob, by id. */
static GBytes *
stored_blob (SdStore *store,
             gint64   model_id)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT blob FROM models WHERE id = ?1 AND blob IS NOT NULL", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
}

static gboolean
knows_chat_intents (SdIntentModel *model)
{
  return sd_intent_model_find_label (model, "order_status") >= 0 &&
         sd_intent_model_find_label (model, "greeting") >= 0;
}

/* Model @model_id's params (a JSON object), or NULL. */
SdJsonNode *
sd_dialogue_stored_params (SdStore *store,
                           gint64   model_id)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT params FROM models WHERE id = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) != SQLITE_TEXT)
    return NULL;
  return sd_json_parse ((const char *) sqlite3_column_text (stmt, 0), -1, NULL, NULL);
}

/* A string member of model @model_id's params, or NULL. */
static char *
stored_param_string (SdStore    *store,
                     gint64      model_id,
                     const char *member)
{
  g_autoptr(SdJsonNode) params = sd_dialogue_stored_params (store, model_id);
  SdJsonNode *m = params ? sd_json_node_get_member (params, member) : NULL;
  if (m == NULL || sd_json_node_get_node_type (m) != SD_JSON_STRING)
    return NULL;
  return g_strdup (sd_json_node_get_string (m));
}

/* The threshold of the averaged classifiers tuned when model @model_id was trained
 * (models.params "blend_threshold"), or -1 for a model stored before there was one. */
static double
stored_blend_threshold (SdStore *store,
                        gint64   model_id)
{
  g_autoptr(SdJsonNode) params = sd_dialogue_stored_params (store, model_id);
  SdJsonNode *t = params ? sd_json_node_get_member (params, "blend_threshold") : NULL;
  if (t == NULL || sd_json_node_get_node_type (t) != SD_JSON_NUMBER)
    return -1;
  return CLAMP (sd_json_node_get_number (t), 0.0, 1.0);
}

static void
use_stored_model (SdDialogue    *self,
                  SdIntentModel *model,
                  gint64         id,
                  const char    *name)
{
  sd_dialogue_set_intent_model (self, model, name);
  double t = stored_blend_threshold (self->store, id);
  if (t >= 0)
    self->blend.threshold = t;
  g_free (self->model_examples);
  self->model_examples = stored_param_string (self->store, id, "examples");
  self->model_age = self->model_examples ? SD_MODEL_EXAMPLES_CURRENT : SD_MODEL_EXAMPLES_UNKNOWN;
}

/* Compares the stored model's examples with @examples, the chatbot's now. */
void
sd_dialogue_note_examples (SdDialogue *self,
                           GPtrArray  *examples)
{
  if (self->intent_model == NULL || self->model_examples == NULL)
    return;
  g_autofree char *digest = sd_chat_corpus_examples_digest (examples);
  self->model_age = strcmp (digest, self->model_examples) == 0 ? SD_MODEL_EXAMPLES_CURRENT
                                                               : SD_MODEL_EXAMPLES_CHANGED;
}

/* The live intent model (chat-intents) when one is promoted and knows the chat intents. */
static gboolean
load_live_intent_model (SdDialogue *self)
{
  gint64 id = sd_model_registry_live_id (self->store, SD_MODEL_PURPOSE_CHAT_INTENTS, NULL);
  g_autoptr(GBytes) blob = id > 0 ? stored_blob (self->store, id) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdIntentModel) model = blob ? sd_intent_model_load (blob, &error) : NULL;

  if (blob && model == NULL)
    g_debug ("Chatbot: the live intent model %" G_GINT64_FORMAT " does not load: %s", id, error->message);
  if (model == NULL || !knows_chat_intents (model))
    return FALSE;
  g_autofree char *name = g_strdup_printf ("intent model #%" G_GINT64_FORMAT " (live)", id);
  use_stored_model (self, model, id, name);
  return TRUE;
}

/* The live sentiment model (chat-sentiment), else FALSE: the built-in one stays. */
static gboolean
load_live_sentiment (SdDialogue *self)
{
  gint64 id = sd_model_registry_live_id (self->store, SD_MODEL_PURPOSE_CHAT_SENTIMENT, NULL);
  g_autoptr(GBytes) blob = id > 0 ? stored_blob (self->store, id) : NULL;
  g_autoptr(GError) error = NULL;
  SdSentiment *model = blob ? sd_sentiment_load (blob, &error) : NULL;

  if (model == NULL)
    {
      if (blob)
        g_debug ("Chatbot: the live sentiment model %" G_GINT64_FORMAT " does not load: %s", id, error->message);
      return FALSE;
    }
  g_clear_object (&self->sentiment);
  self->sentiment = model;
  return TRUE;
}

/* The live intent model; without one, the newest trained intent model that knows the chat
 * intents (a model trained on another data set, BANKING77 say, does not). */
static void
load_stored_model (SdDialogue *self)
{
  if (load_live_intent_model (self))
    return;
  g_autoptr(SdStmt) stmt = sd_store_prepare (self->store,
      "SELECT id, blob FROM models WHERE kind = 'intent' AND blob IS NOT NULL "
      "ORDER BY created_at DESC, id DESC LIMIT 5", NULL);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GBytes) blob = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
      g_autoptr(GError) error = NULL;
      g_autoptr(SdIntentModel) model = sd_intent_model_load (blob, &error);
      if (model == NULL)
        {
          g_debug ("Chatbot: stored intent model %" G_GINT64_FORMAT " does not load: %s",
                   (gint64) sqlite3_column_int64 (stmt, 0), error->message);
          continue;
        }
      if (!knows_chat_intents (model))
        continue;
      g_autofree char *name = g_strdup_printf ("intent model #%" G_GINT64_FORMAT,
                                               (gint64) sqlite3_column_int64 (stmt, 0));
      use_stored_model (self, model, sqlite3_column_int64 (stmt, 0), name);
      return;
    }
}

SdDialogue *
sd_dialogue_new (SdStore  *store,
                 GError  **error)
{
  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  if (!sd_chat_corpus_seed (store, error))
    return NULL;
  g_autoptr(SdDialogue) self = g_object_new (SD_TYPE_DIALOGUE, NULL);
  self->store = g_object_ref (store);
  self->extractor = sd_entity_extractor_new ();
  if (!sd_entity_extractor_load_catalog (self->extractor, store, error))
    return NULL;
  if (!load_live_sentiment (self) && !(self->sentiment = sd_sentiment_new_builtin (error)))
    return NULL;
  load_stored_model (self);
  return g_steal_pointer (&self);
}

void
sd_dialogue_set_classifier (SdDialogue             *self,
                            SdDialogueClassifyFunc  func,
                            gpointer                user_data,
                            GDestroyNotify          destroy)
{
  g_return_if_fail (SD_IS_DIALOGUE (self));
  if (self->classify_destroy)
    self->classify_destroy (self->classify_data);
  self->classify = func;
  self->classify_data = user_data;
  self->classify_destroy = destroy;
  g_clear_pointer (&self->classifier_name, g_free);
  g_clear_pointer (&self->model_examples, g_free);
  self->model_age = SD_MODEL_EXAMPLES_CURRENT;
  g_clear_object (&self->intent_model);
}

static guint
classify_with_model (const char *text, const char *lang, SdIntentGuess *top, guint n,
                     gboolean *oos, gpointer user_data)
{
  SdIntentPrediction p;
  sd_intent_model_predict (SD_INTENT_MODEL (user_data), text, &p);
  guint k = MIN (n, p.n_top);
  for (guint i = 0; i < k; i++)
    top[i] = (SdIntentGuess) { p.top[i].name, p.top[i].probability };
  *oos = p.out_of_scope;
  return k;
}

void
sd_dialogue_set_intent_model (SdDialogue    *self,
                              SdIntentModel *model,
                              const char    *name)
{
  g_return_if_fail (SD_IS_DIALOGUE (self));
  g_return_if_fail (SD_IS_INTENT_MODEL (model));
  sd_dialogue_set_classifier (self, classify_with_model, g_object_ref (model), g_object_unref);
  g_set_object (&self->intent_model, model);
  self->classifier_name = g_strdup (name ? name : "intent model");
  /* until a tuned one is known, the model's own threshold, fitted on its validation split */
  sd_intent_blend_init (&self->blend);
  self->blend.threshold = sd_intent_model_get_threshold (model);
}

void
sd_dialogue_set_recommender (SdDialogue              *self,
                             SdDialogueRecommendFunc  func,
                             gpointer                 user_data,
                             GDestroyNotify           destroy)
{
  g_return_if_fail (SD_IS_DIALOGUE (self));
  if (self->recommend_destroy)
    self->recommend_destroy (self->recommend_data);
  self->recommend = func;
  self->recommend_data = user_data;
  self->recommend_destroy = destroy;
}

void
sd_dialogue_set_oos_threshold (SdDialogue *self,
                               double      threshold)
{
  g_return_if_fail (SD_IS_DIALOGUE (self));
  self->oos_threshold = CLAMP (threshold, 0.0, 1.0);
  self->oos_threshold_set = TRUE;
}

void
sd_dialogue_set_now (SdDialogue *self,
                     GDateTime  *now)
{
  g_return_if_fail (SD_IS_DIALOGUE (self));
  g_clear_pointer (&self->now, g_date_time_unref);
  if (now)
    self->now = g_date_time_ref (now);
}

static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  SdChatLinear *model = sd_chat_linear_train_cached (task_data, FALLBACK_EPOCHS, OOS_INTENT,
                                                    SD_OOS_TARGET_RECALL, cancellable, &error);
  if (model)
    g_task_return_pointer (task, model, (GDestroyNotify) sd_chat_linear_free);
  else
    g_task_return_error (task, error);
}

gboolean
sd_dialogue_prepare (SdDialogue    *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_return_val_if_fail (SD_IS_DIALOGUE (self), FALSE);
  if ((self->classify && self->intent_model == NULL) || self->fallback)
    return TRUE;
  g_autoptr(GPtrArray) examples = sd_chat_corpus_load_examples (self->store, NULL, error);
  if (examples == NULL)
    return FALSE;
  sd_dialogue_note_examples (self, examples);
  self->fallback = sd_chat_linear_train_cached (examples, FALLBACK_EPOCHS, OOS_INTENT, SD_OOS_TARGET_RECALL,
                                                cancellable, error);
  return self->fallback != NULL;
}

void
sd_dialogue_prepare_async (SdDialogue          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (SD_IS_DIALOGUE (self));
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_dialogue_prepare_async);
  g_task_set_name (task, "[shopdesk] dialogue prepare");
  /* an intent model is averaged with the fallback, which is then needed too */
  if ((self->classify && self->intent_model == NULL) || self->fallback)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  GError *error = NULL;
  /* the examples are read here, on the store's thread; only training moves */
  GPtrArray *examples = sd_chat_corpus_load_examples (self->store, NULL, &error);
  if (examples == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sd_dialogue_note_examples (self, examples);
  g_task_set_task_data (task, examples, (GDestroyNotify) g_ptr_array_unref);
  sd_job_run_task_in_thread (task, prepare_thread);
}

gboolean
sd_dialogue_prepare_finish (SdDialogue    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  GError *local = NULL;
  SdChatLinear *model = g_task_propagate_pointer (G_TASK (result), &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (model && self->fallback == NULL)
    self->fallback = model;
  else
    sd_chat_linear_free (model);
  return TRUE;
}

void
sd_dialogue_reload (SdDialogue *self)
{
  g_return_if_fail (SD_IS_DIALOGUE (self));
  g_autoptr(SdEntityExtractor) ex = sd_entity_extractor_new ();
  g_autoptr(GError) error = NULL;
  if (sd_entity_extractor_load_catalog (ex, self->store, &error))
    g_set_object (&self->extractor, ex);
  else
    g_warning ("Chatbot: could not reload the catalogue: %s", error->message);
  g_clear_pointer (&self->fallback, sd_chat_linear_free);
  g_clear_pointer (&self->popular, g_array_unref);
  self->tracks_stock = -1;
  self->names_read = FALSE;
  g_clear_pointer (&self->english_example, g_free);
  g_clear_object (&self->rec_model);
  g_clear_pointer (&self->rec_train, sd_interactions_unref);
  self->rec_tried = FALSE;
  sd_dialogue_drop_coupons (self);
}

void
sd_turn_offer_person (SdTurn *t)
{
  if (t->session->handed_off)
    return;
  t->offer_at = t->suffix->len;
  sd_dialogue_append_sentence (t->lang, t->suffix, L (t, "If you'd prefer, I can put you through to a person.",
                                                      "如果您愿意，我可以为您转接人工客服。"));
  t->offer_len = t->suffix->len - t->offer_at;
  t->session->handoff_offered = TRUE;
}

static void
hand_off (SdTurn *t)
{
  g_autofree char *hours = sd_turn_shop_setting (t, "support.hours");
  /* Only the hours the shop set; otherwise no promise of when. */
  sd_turn_var (t, "hours", hours ? hours : "");
  t->session->handed_off = TRUE;
  t->session->handoff_offered = FALSE;
  t->trace->handoff = TRUE;
  t->session->misunderstandings = 0;
  sd_chat_session_set_form (t->session, NULL);
  g_string_truncate (t->suffix, 0);
  sd_turn_reply (t, "talk_to_human", SD_TURN_HANDOFF);
}

static void
handle_greeting (SdTurn *t)
{
  g_autofree char *name = NULL;
  if (t->session->customer_id)
    {
      g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
          "SELECT name FROM customers WHERE id = ?1", NULL);
      if (stmt)
        {
          sqlite3_bind_int64 (stmt, 1, t->session->customer_id);
          if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
            {
              /* the given name only, and nothing when names are stored hashed */
              const char *full = (const char *) sqlite3_column_text (stmt, 0);
              if (strlen (full) < 64 && !g_str_has_prefix (full, "sha256:"))
                {
                  g_auto(GStrv) parts = g_strsplit (full, " ", 2);
                  name = g_strdup (parts[0]);
                }
              sd_turn_data_row (t, "customers.id=%" G_GINT64_FORMAT, t->session->customer_id);
            }
        }
    }
  g_autofree char *part = name ? g_strdup_printf (L (t, ", %s", "，%s"), name) : g_strdup ("");
  sd_turn_var (t, "name_part", part);
  sd_turn_reply (t, "greeting", SD_TURN_ANSWER);
}

/* What the intent means, for a clarifying question. */
static const char *
intent_label (SdTurn *t, const char *intent)
{
  static const struct { const char *intent, *en, *zh; } labels[] = {
    { "greeting", "say hello", "打个招呼" },
    { "goodbye", "end the chat", "结束对话" },
    { "thanks", "say thanks", "表示感谢" },
    { "order_status", "check the status of an order", "查询订单状态" },
    { "cancel_order", "cancel an order", "取消订单" },
    { "return_refund", "return something or get a refund", "退货退款" },
    { "shipping_time", "know how long delivery takes", "了解配送时间" },
    { "shipping_cost", "know what delivery costs", "了解运费" },
    { "change_address", "change a delivery address", "修改收货地址" },
    { "payment_problem", "sort out a payment problem", "解决支付问题" },
    { "product_search", "find a product", "查找商品" },
    { "product_question", "ask about a product", "咨询商品详情" },
    { "size_fit", "get help with sizes", "咨询尺码" },
    { "stock_availability", "check stock", "查询库存" },
    { "recommendation_request", "get recommendations", "获取推荐" },
    { "coupons_discounts", "find coupons or discounts", "查询优惠券" },
    { "complaint", "make a complaint", "投诉" },
    { "talk_to_human", "talk to a person", "转人工客服" },
    { "account_help", "get help with your account", "处理账户问题" },
    { "invoice_request", "get an invoice", "开发票" },
    { "delivery_problem", "report a delivery problem", "反馈配送问题" },
    { "track_package", "track a parcel", "查物流" },
    { "warranty", "make a warranty claim", "咨询保修" },
    { "opening_hours", "know our opening hours", "了解工作时间" },
    { "affirm", "say yes", "确认" },
    { "deny", "say no", "否定" },
    { OOS_INTENT, "ask something else", "问别的问题" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (strcmp (labels[i].intent, intent) == 0)
      return L (t, labels[i].en, labels[i].zh);
  return intent;
}

static gboolean
is_small_talk (const char *intent)
{
  static const char *const small[] = { "greeting", "goodbye", "thanks", "affirm", "deny", NULL };
  return g_strv_contains (small, intent);
}

static void
answer_intent (SdTurn *t, const char *act, const char *free_text)
{
  /* @act may be the session's form, which handlers replace */
  g_autofree char *intent = g_strdup (act);
  if (sd_dialogue_order_form_intent (intent))
    sd_turn_handle_order (t, intent);
  else if (strcmp (intent, "product_search") == 0)
    sd_turn_handle_product_search (t, free_text);
  else if (strcmp (intent, "product_question") == 0 || strcmp (intent, "size_fit") == 0 ||
           strcmp (intent, "stock_availability") == 0)
    sd_turn_handle_product_detail (t, intent);
  else if (strcmp (intent, "recommendation_request") == 0)
    sd_turn_handle_recommendation (t);
  else if (strcmp (intent, "coupons_discounts") == 0)
    {
      gboolean code_trouble = sd_dialogue_mentions_code_trouble (t->trace->text) && !t->session->handed_off;
      /* its own offer, below, is the one made */
      t->answer_offers = code_trouble;
      sd_turn_handle_coupons (t);
      if (code_trouble)
        {
          /* the bot cannot see why a code was refused at checkout; a person can */
          g_autofree char *body = g_strdup (t->trace->reply);
          g_autoptr(GString) all = g_string_new (body);
          sd_dialogue_append_sentence (t->lang, all, L (t, "If a code isn't working at checkout, a person from our team can check it: shall I put you through?",
                                                        "如果优惠码在结账时用不了，我们的同事可以帮您查看，需要为您转接人工客服吗？"));
          g_free (t->trace->reply);
          t->trace->reply = g_string_free (g_steal_pointer (&all), FALSE);
          t->session->handoff_offered = TRUE;
        }
    }
  else if (strcmp (intent, "return_refund") == 0 || strcmp (intent, "shipping_time") == 0 ||
           strcmp (intent, "shipping_cost") == 0 || strcmp (intent, "warranty") == 0)
    sd_turn_handle_policy (t, intent);
  else if (strcmp (intent, "talk_to_human") == 0)
    hand_off (t);
  else if (strcmp (intent, "greeting") == 0)
    handle_greeting (t);
  else if (strcmp (intent, "opening_hours") == 0)
    {
      g_autofree char *hours = sd_turn_shop_setting (t, "support.hours");
      if (hours == NULL)
        sd_turn_policy_not_set (t, "support.hours", "opening hours", "客服工作时间");
      else
        {
          sd_turn_var (t, "hours", hours);
          sd_turn_reply (t, intent, SD_TURN_ANSWER);
        }
    }
  else
    {
      /* complaint, change_address, account_help, payment_problem, goodbye, thanks, … */
      if (strcmp (intent, "payment_problem") == 0 && !t->negative && !sd_dialogue_mentions_payment_trouble (t->trace->text))
        {
          /* "can I pay with Apple Pay?" is a question, not trouble: the shop's answer */
          sd_turn_quote_policy (t, "policy.payment", "payment options", "支付方式", "payment_problem.info");
          return;
        }
      if (strcmp (intent, "complaint") == 0 || strcmp (intent, "account_help") == 0 ||
          strcmp (intent, "payment_problem") == 0)
        t->session->handoff_offered = t->answer_offers = TRUE;
      /* Only the shop's own policy.account says where a customer changes their details
       * (Online Retail's wholesale customers order by phone), else a person; the built-in
       * template, which offers a person, is what staff edit to say it their way */
      if (strcmp (intent, "account_help") == 0 && !sd_turn_template_by_staff (t, intent))
        {
          sd_turn_quote_policy (t, "policy.account", "account help", "账户帮助", "account_help.policy");
          return;
        }
      if (strcmp (intent, "payment_problem") == 0)
        {
          /* the ways to pay are the shop's to say (Shop Settings), never a list made up here */
          g_autofree char *policy = sd_turn_shop_setting (t, "policy.payment");
          sd_turn_var (t, "policy", policy ? policy : "");
        }
      if (strcmp (intent, "goodbye") == 0)
        sd_chat_session_set_form (t->session, NULL);
      sd_turn_reply (t, intent, SD_TURN_ANSWER);
    }
}

static void
misunderstood (SdTurn *t)
{
  SdChatSession *s = t->session;
  s->misunderstandings++;
  /* an upset customer is offered a person after one miss, others after two; upset
   * stays with the session, since the missed message itself is seldom the angry one */
  if (s->misunderstandings >= (t->negative || s->upset ? 1u : 2u))
    {
      s->handoff_offered = TRUE;
      /* its template is sorry already: not "I'm sorry to hear that. I'm sorry I couldn't…" */
      g_string_truncate (t->prefix, 0);
      sd_turn_reply (t, "sys.handoff", SD_TURN_HANDOFF);
    }
  else if (s->form && !s->form_paused)
    {
      /* still waiting for the form's slot: say so again */
      g_autofree char *ask = g_strconcat (s->form, ".ask", NULL);
      g_autofree char *again = sd_turn_render (t, ask);
      g_string_append (t->suffix, again);
      sd_turn_reply (t, "sys.fallback", SD_TURN_FALLBACK);
    }
  else
    sd_turn_reply (t, "sys.fallback", SD_TURN_FALLBACK);
}

/* A turn answered as a question about a product by what it asks, not by the classifier's
 * top intent: as sure as the classifier was of that reading, and understood. */
static void
answered_product_question (SdTurn *t)
{
  SdTurnTrace *trace = t->trace;

  g_free (trace->intent);
  trace->intent = g_strdup ("product_question");
  trace->confidence = 0;
  for (guint i = 0; i < trace->n_top; i++)
    if (strcmp (trace->top[i].intent, "product_question") == 0)
      trace->confidence = trace->top[i].prob;
  t->session->misunderstandings = 0;
}

SdTurnTrace *
sd_dialogue_respond (SdDialogue    *self,
                     SdChatSession *session,
                     const char    *message)
{
  g_return_val_if_fail (SD_IS_DIALOGUE (self), NULL);
  g_return_val_if_fail (session != NULL, NULL);
  gint64 t0 = g_get_monotonic_time (), c0 = sd_thread_cpu_us ();

  SdTurnTrace *trace = g_new0 (SdTurnTrace, 1);
  trace->entities = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_entity_free);
  trace->data_rows = g_ptr_array_new_with_free_func (g_free);
  trace->sentiment.label = SD_SENTIMENT_NEUTRAL;
  trace->sentiment.prob[SD_SENTIMENT_NEUTRAL] = 1.0;
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) prefix = g_string_new (NULL);
  g_autoptr(GString) suffix = g_string_new (NULL);
  SdTurn t = { self, session, trace, session->lang, vars, prefix, suffix, FALSE };

  const char *why = NULL;
  trace->text = sd_dialogue_sanitise (message, &why);
  if (trace->text == NULL)
    {
      trace->lang = g_strdup (session->lang);
      sd_turn_reply (&t, why, strcmp (why, "sys.fallback") == 0 ? SD_TURN_FALLBACK : SD_TURN_UNSAFE);
      sd_turn_finish_trace (&t);
      trace->elapsed_us = g_get_monotonic_time () - t0;
      trace->cpu_us = sd_thread_cpu_us () - c0;
      return trace;
    }

  g_ptr_array_unref (trace->entities);
  trace->entities = sd_entity_extractor_extract (self->extractor, trace->text, self->now);
  const char *lang = sd_dialogue_detect_lang (trace->text, trace->entities, session->lang);
  if (strcmp (lang, session->lang) != 0)
    {
      g_free (session->lang);
      session->lang = g_strdup (lang);
    }
  t.lang = session->lang;
  trace->lang = g_strdup (session->lang);

  if (session->form && !session->form_paused && sd_dialogue_order_form_intent (session->form) &&
      !sd_dialogue_has_entity (trace->entities, SD_ENTITY_ORDER_ID))
    sd_dialogue_take_bare_order_number (self, trace);
  if (!sd_dialogue_has_entity (trace->entities, SD_ENTITY_ORDER_ID))
    sd_dialogue_take_lettered_order_number (self, trace);
  sd_turn_var (&t, "order_example", sd_dialogue_order_example (self));
  /* declared before the jump below, which a cleanup must not be jumped over to */
  g_autofree char *masked = NULL;
  g_autoptr(GArray) candidates = NULL;
  g_autofree char *previous_ref = NULL;
  g_autofree char *previous_name = NULL;
  g_autofree char *last_extreme = g_steal_pointer (&session->extreme_name);
  if (!sd_dialogue_says_anything (trace->text))
    {
      /* "???", "!!!", "...": nothing to understand, and no mood to read into the marks
       * (as an angry "!!!" the customer would be offered a person at once) */
      misunderstood (&t);
      goto done;
    }
  sd_sentiment_predict (self->sentiment, trace->text, &trace->sentiment);
  /* the shipped model's label carries its own calibrated threshold */
  t.negative = trace->sentiment.label == SD_SENTIMENT_NEGATIVE;
  gboolean was_upset = session->upset;
  t.was_upset = was_upset;
  if (t.negative)
    session->upset = TRUE;
  else if (trace->sentiment.label == SD_SENTIMENT_POSITIVE)
    session->upset = FALSE;

  SdIntentGuess top[SD_DIALOGUE_N_TOP] = { { 0 } };
  gboolean oos = FALSE;
  const char *classifier = NULL;
  /* "is the woodland storage box waterproof?" is asked as "is the thing waterproof?":
   * a real catalogue's names otherwise pull toward intents whose words they share, or
   * out of scope (Online Retail's titles in the corpus's product questions: 0.98 → 0.85) */
  masked = sd_entity_mask_products (trace->text, trace->entities);
  trace->n_top = sd_dialogue_classify (self, trace->text, masked, session->lang, top, &oos, &classifier);
  sd_dialogue_read_as (self, masked, trace);
  trace->classifier = g_strdup (classifier);
  trace->classifier_examples = self->intent_model ? self->model_age : SD_MODEL_EXAMPLES_CURRENT;
  for (guint i = 0; i < trace->n_top; i++)
    {
      trace->top[i].intent = g_strdup (top[i].intent);
      trace->top[i].prob = top[i].prob;
    }
  /* a trained intent model brings its own threshold, chosen on validation data */
  if (trace->n_top == 0 || (self->intent_model == NULL && top[0].prob < sd_dialogue_fallback_threshold (self)) ||
      strcmp (top[0].intent, OOS_INTENT) == 0)
    oos = TRUE;
  const char *intent = trace->n_top ? trace->top[0].intent : NULL;
  double confidence = trace->n_top ? trace->top[0].prob : 0.0;

  /* "is order C541433 a refund?": a C invoice is a cancellation in Online Retail's data, and
   * the question is about that order (what it took back, when), not the returns policy the
   * classifier hears, nor a mood to apologise for; nor, where the classifier is unsure what
   * "C541117是什么" asks, the coupons it half hears in a code of letters and digits */
  gboolean asks_of_cancellation = (oos || g_strcmp0 (intent, "return_refund") == 0 ||
                                   g_strcmp0 (intent, "cancel_order") == 0 || confidence < 0.5) &&
                                  sd_turn_names_own_cancellation (&t);
  if (asks_of_cancellation && t.negative)
    {
      t.negative = FALSE;
      session->upset = was_upset;
      trace->mood_set_aside = SD_MOOD_ASIDE_BARE_REQUEST;
    }

  /* "refund progress", "repair service": a bare request heard as upset only because
   * reviews say "refund" when they are angry gets no apology and no person offered;
   * "damaged item" as a delivery problem still does */
  if (t.negative && !oos && sd_sentiment_is_bare_request (trace->text) &&
      g_strcmp0 (intent, "complaint") != 0 && g_strcmp0 (intent, "delivery_problem") != 0 &&
      g_strcmp0 (intent, "payment_problem") != 0)
    {
      t.negative = FALSE;
      session->upset = was_upset;
      trace->mood_set_aside = SD_MOOD_ASIDE_BARE_REQUEST;
    }

  sd_dialogue_drop_service_words (trace->text, trace->entities, oos || sd_dialogue_product_intent (intent) ||
                                                  g_strcmp0 (intent, "recommendation_request") == 0);
  /* every product the name fits, and the one talked about before: "the lantern" is one of
   * twenty, unless a lantern was just talked about */
  t.product = sd_dialogue_named_product (trace->entities);
  if (t.product)
    candidates = sd_entity_extractor_products_named (self->extractor, t.product, &t.in_full);
  t.candidates = candidates;
  previous_ref = g_strdup (g_hash_table_lookup (session->slots, "product_ref"));
  t.previous_ref = previous_ref;
  previous_name = g_strdup (g_hash_table_lookup (session->slots, "product"));
  t.previous_name = previous_name;
  sd_chat_session_merge_entities (session, trace->entities);
  gboolean new_order = sd_dialogue_has_entity (trace->entities, SD_ENTITY_ORDER_ID);
  gboolean new_product = sd_dialogue_has_entity (trace->entities, SD_ENTITY_PRODUCT) ||
                         sd_dialogue_has_entity (trace->entities, SD_ENTITY_CATEGORY);
  t.named_product = new_product;

  /* a complaint's, a delivery problem's and a payment problem's own templates apologise
   * already: one apology */
  if (t.negative && !session->handed_off && g_strcmp0 (intent, "complaint") != 0 &&
      g_strcmp0 (intent, "delivery_problem") != 0 && g_strcmp0 (intent, "payment_problem") != 0)
    {
      g_autofree char *sorry = sd_turn_render (&t, "sys.apology");
      g_string_append (prefix, sorry);
      t.apology_len = prefix->len;
      /* the apology is not the answer's source */
      g_clear_pointer (&trace->template_key, g_free);
      trace->template_id = 0;
    }

  const char *act = NULL;        /* the intent to answer, once decided */
  gboolean order_follow_up = FALSE;
  const char *free_text = NULL;  /* the message as a search phrase */

  /* Answers to the question asked last turn come first. */
  if (session->clarify[0])
    {
      if (g_strcmp0 (intent, "affirm") == 0)
        act = session->clarify[0];
      else if (g_strcmp0 (intent, "deny") == 0)
        act = session->clarify[1];
      else if (!oos && (g_strcmp0 (intent, session->clarify[0]) == 0 ||
                        g_strcmp0 (intent, session->clarify[1]) == 0))
        act = intent;
      if (act)
        {
          g_free (trace->intent);
          trace->intent = g_strdup (act);
          act = trace->intent;
        }
    }
  sd_chat_session_clear_clarify (session);

  /* "Which one do you mean?" — "the second one", "the white one" */
  if (act == NULL && session->choices)
    {
      gboolean asked_again = FALSE;
      act = sd_turn_take_choice (&t, &asked_again);
      if (act || asked_again)
        {
          g_free (trace->intent);
          trace->intent = g_strdup (session->form);
          trace->confidence = session->form_confidence;
          act = trace->intent;
        }
      if (asked_again)
        goto done;
    }

  /* "the second one" with no list offered: there is nothing to pick from, not a choice
   * between intents the classifier half hears in it ("say no or make a complaint?") */
  if (act == NULL && session->choices == NULL && !new_product && !new_order &&
      sd_dialogue_is_bare_pick (trace->text))
    {
      g_free (trace->intent);
      trace->intent = g_strdup (OOS_INTENT);
      trace->confidence = 0;
      sd_turn_data_row (&t, "choices: no list offered");
      sd_turn_reply (&t, "sys.no_list", SD_TURN_FALLBACK);
      goto done;
    }

  /* "cheapest lantern?": the cheapest of the lanterns, not the shipping policy the classifier
   * hears in "how much", nor a list of them all ("the cheapest delivery for the lantern" is
   * the delivery's) */
  {
    int extreme = act == NULL && t.candidates && t.candidates->len > 1 && !t.in_full &&
                  !sd_dialogue_names_service_beside_products (trace->text, trace->entities)
                  ? sd_dialogue_price_extreme (trace->text) : 0;
    if (extreme)
      {
        double asked = 0;
        for (guint i = 0; i < trace->n_top; i++)
          if (strcmp (trace->top[i].intent, "product_question") == 0)
            asked = trace->top[i].prob;
        if (sd_turn_answer_price_extreme (&t, t.candidates, t.product->text, extreme))
          {
            g_free (trace->intent);
            trace->intent = g_strdup ("product_question");
            trace->confidence = asked;
            trace->from_entities = oos || g_strcmp0 (intent, "product_question") != 0;
            goto done;
          }
      }
  }

  /* "what's the most expensive?", "and the cheapest?": no product named and no list offered
   * (the classifier hears the shipping policy in it), so of the name just answered so about,
   * or just searched with ("do you have christmas decorations?" then "which is the
   * cheapest?"), or else of all the shop sells; "the cheapest delivery" is the delivery's */
  {
    const SdTurnRecord *before = session->turns->len ? session->turns->pdata[session->turns->len - 1] : NULL;
    if (last_extreme == NULL && before && g_strcmp0 (before->intent, "product_search") == 0 && previous_name)
      last_extreme = g_strdup (previous_name);
    int extreme = act == NULL && !new_product && !new_order &&
                  !sd_dialogue_names_service_beside_products (trace->text, trace->entities)
                  ? sd_dialogue_price_extreme (trace->text) : 0;
    if (extreme && sd_turn_answer_unnamed_extreme (&t, extreme, last_extreme))
      {
        answered_product_question (&t);
        goto done;
      }
  }

  /* "and the red one?" of the product just talked about */
  if (act == NULL && !new_order && sd_turn_answer_other_colour (&t))
    {
      g_free (trace->intent);
      trace->intent = g_strdup ("product_search");
      trace->confidence = 0;
      trace->from_entities = TRUE;
      session->misunderstandings = 0;
      goto done;
    }

  /* "how much for 10?" of the product just talked about */
  if (act == NULL && !new_order && sd_turn_answer_count_price (&t))
    {
      answered_product_question (&t);
      trace->from_entities = TRUE;
      goto done;
    }

  if (act == NULL && session->handoff_offered)
    {
      session->handoff_offered = FALSE;
      if (g_strcmp0 (intent, "affirm") == 0)
        {
          trace->intent = g_strdup ("talk_to_human");
          trace->confidence = confidence;
          hand_off (&t);
          goto done;
        }
    }

  if (act == NULL && session->form)
    {
      const char *form = session->form;
      gboolean wants_order = sd_dialogue_order_form_intent (form);
      if (session->form_paused && g_strcmp0 (intent, "affirm") == 0)
        act = form;
      else if (session->form_paused && g_strcmp0 (intent, "deny") == 0)
        {
          sd_chat_session_set_form (session, NULL);
          act = "deny";
        }
      else if (wants_order && new_order &&
               (oos || confidence < 0.6 || g_strcmp0 (intent, form) == 0 || is_small_talk (intent) ||
                sd_dialogue_names_only_an_order (trace)))
        act = form;
      else if (wants_order && !new_order && sd_dialogue_names_newest_order (trace->text) &&
               (g_strcmp0 (intent, form) == 0 || !sd_dialogue_order_form_intent (intent)))
        act = form;   /* "Which order?" — "my last one" ("cancel my last one" is a new question) */
      else if (wants_order && !new_order && sd_dialogue_lacks_order_number (trace->text))
        act = form;   /* "Which order?" — "I don't know the number": the customer's newest */
      else if (wants_order && new_order && sd_dialogue_order_form_intent (intent))
        {
          /* "where is SD-1" while a cancellation waited: the new question wins */
          sd_chat_session_set_form (session, NULL);
          act = intent;
        }
      else if (sd_dialogue_asks_about_one_product (form) &&
               ((sd_dialogue_asks_about_one_product (intent) && confidence >= 0.6) ||
                /* the likeliest reading, however sure: a new name and words to search with */
                (strcmp (intent, "product_search") == 0 && new_product)) &&
               strcmp (intent, form) != 0 && !session->form_paused && sd_dialogue_words_besides_names (trace) >= 3)
        {
          /* "is the teapot in stock?" while "how much is the mug?" waited for its product:
           * the new question, not the old one asked of a new product; "do you have
           * candles?" while a lantern was to be picked is a search, not "which candle?" */
          sd_chat_session_set_form (session, NULL);
          sd_chat_session_clear_choices (session);
          act = intent;
        }
      else if (!wants_order && !session->form_paused &&
               ((new_product && (oos || confidence < 0.6 || sd_dialogue_product_intent (intent) ||
                                 is_small_talk (intent))) ||
                g_strcmp0 (intent, form) == 0 ||
                /* a search takes any words; questions about a product need its name */
                (oos && strcmp (form, "product_search") == 0 &&
                 g_strcmp0 (intent, OOS_INTENT) != 0)))
        {
          act = form;
          free_text = trace->text;
        }
      else if (g_strcmp0 (intent, "deny") == 0)
        {
          sd_chat_session_set_form (session, NULL);
          act = "deny";
        }
      else if (!oos && g_strcmp0 (intent, form) != 0 && !is_small_talk (intent))
        {
          /* a new topic: answer it, keep the form, and offer to come back */
          g_autofree char *paused = g_strdup (form);
          g_free (trace->intent);
          trace->intent = g_strdup (intent);
          trace->confidence = confidence;
          session->form_paused = TRUE;
          answer_intent (&t, intent, NULL);
          /* a handler that asked for its own slot replaced the form; otherwise offer it —
           * unless the answer ends on its own question ("shall I put you through?"): one
           * question at a time, and the paused form waits */
          if ((session->form == NULL || g_strcmp0 (session->form, paused) == 0) &&
              (t.trace->action == SD_TURN_ANSWER || t.trace->action == SD_TURN_REFUSE) &&
              !session->handoff_offered && !sd_dialogue_ends_on_question (t.trace->reply))
            {
              sd_chat_session_set_form (session, paused);
              session->form_paused = TRUE;
              sd_turn_var (&t, "form", intent_label (&t, paused));
              g_autofree char *resume = sd_turn_render (&t, "sys.resume");
              g_free (trace->reply);
              trace->reply = NULL;
              sd_dialogue_append_sentence (t.lang, suffix, resume);
              SdTurnAction action = trace->action;
              g_autofree char *key = g_strdup (trace->template_key);
              /* re-render with the offer appended (the source stays the topic's template) */
              g_clear_pointer (&trace->template_key, g_free);
              sd_turn_reply (&t, key, action);
            }
          session->misunderstandings = 0;
          goto done;
        }
    }

  /* "what was in it?" just after an order was talked about: the order, not a shrug */
  if (act == NULL && session->form == NULL && g_hash_table_lookup (session->slots, "order_id") &&
      (oos || confidence < 0.5 ||
       /* "里面有什么？" reads as a product question, but no product was ever named */
       ((g_strcmp0 (intent, "product_question") == 0 || g_strcmp0 (intent, "product_search") == 0) &&
        !new_product && !g_hash_table_lookup (session->slots, "product_ref"))) &&
      sd_dialogue_asks_about_the_order (trace->text))
    {
      act = "order_status";
      order_follow_up = TRUE;
    }

  if (act == NULL && asks_of_cancellation)
    {
      act = "order_status";
      trace->from_entities = TRUE;
    }

  /* "my order 542237 arrived with a broken candle": a damaged item with its order number is
   * a delivery gone wrong with that order, not a choice between a complaint and a delivery
   * problem to put back to the customer (or a product question about candles); so is "one
   * of the mugs arrived chipped" right after an answer about an order */
  const SdTurnRecord *last_turn = session->turns->len ? session->turns->pdata[session->turns->len - 1] : NULL;
  gboolean order_just_answered = last_turn && sd_dialogue_order_form_intent (last_turn->intent) &&
                                 g_hash_table_lookup (session->slots, "order_id");
  if (act == NULL && (new_order || order_just_answered) && sd_dialogue_mentions_damage (trace->text))
    {
      static const char *const damage_read_as[] = {
        "complaint", "delivery_problem", "order_status", "track_package", "shipping_time", "product_question",
        "product_search", NULL
      };
      if (oos || g_strv_contains (damage_read_as, intent))
        {
          act = "delivery_problem";
          trace->from_entities = g_strcmp0 (intent, act) != 0;
          /* its template apologises already */
          g_string_erase (prefix, 0, t.apology_len);
          t.apology_len = 0;
        }
    }

  /* "what's my last order?": the newest order, which the classifier may hear as a wish for
   * recommendations or a product question ("cancel my last order" keeps its own intent) */
  if (act == NULL && !new_product && sd_dialogue_names_newest_order_by_name (trace->text) &&
      (oos || g_strcmp0 (intent, "recommendation_request") == 0 || sd_dialogue_product_intent (intent)))
    act = "order_status";

  /* "regency cakestand price?": a catalogue name and "price" in a few words leave the
   * classifier torn (coupons 0.52, a product question 0.47 on Online Retail) or wrong, but a
   * known product named with its price asked, and no service named beside it (a discount,
   * the delivery), is a question about that product, not a choice to put to the customer */
  if (act == NULL && sd_dialogue_asks_price (trace->text) &&
      ((sd_dialogue_has_entity (trace->entities, SD_ENTITY_PRODUCT) && !sd_dialogue_names_service_beside_products (trace->text, trace->entities)) ||
       /* the same of a name no product was found by ("teleporter price", "doormat price") */
       (!new_product && sd_turn_names_a_product (&t))))
    {
      act = "product_question";
      trace->from_entities = oos || g_strcmp0 (intent, act) != 0;
    }

  /* "REGENCY CAKESTAND 3 TIER 有几种颜色": a known product named with a question of what it is
   * (its colours, material, size) is a question about it, also where the classifier, given
   * Chinese words around an English title, hears a search in it (as it does not in
   * 这个台灯有几种颜色) */
  if (act == NULL && (oos || g_strcmp0 (intent, "product_search") == 0) &&
      sd_dialogue_has_entity (trace->entities, SD_ENTITY_PRODUCT) &&
      !sd_dialogue_names_service_beside_products (trace->text, trace->entities) &&
      sd_dialogue_asks_what_it_is (trace->text))
    {
      act = "product_question";
      trace->from_entities = TRUE;
    }

  if (act == NULL && !oos && trace->n_top >= 2 &&
      top[0].prob - top[1].prob < CLARIFY_MARGIN && top[0].prob < CLARIFY_MAX_TOP &&
      strcmp (top[1].intent, OOS_INTENT) != 0 &&
      !(is_small_talk (top[0].intent) && is_small_talk (top[1].intent)))
    {
      session->clarify[0] = g_strdup (top[0].intent);
      session->clarify[1] = g_strdup (top[1].intent);
      sd_turn_var (&t, "option_a", intent_label (&t, top[0].intent));
      sd_turn_var (&t, "option_b", intent_label (&t, top[1].intent));
      trace->intent = g_strdup (intent);
      trace->confidence = confidence;
      /* the apology skipped above for a complaint's own template is owed when the
       * answer is a question instead */
      if (t.negative && !session->handed_off && prefix->len == 0)
        {
          g_autofree char *sorry = sd_turn_render (&t, "sys.apology");
          g_string_append (prefix, sorry);
        }
      sd_turn_reply (&t, "sys.clarify", SD_TURN_CLARIFY);
      goto done;
    }

  /* A bare order number or product name says what it is about. */
  trace->from_entities |= act == NULL && oos && (new_order || new_product);
  if (act == NULL && oos && new_order)
    act = "order_status";
  if (act == NULL && oos && new_product)
    act = "product_search";

  if (act == NULL && oos)
    {
      trace->out_of_scope = TRUE;
      trace->intent = g_strdup (intent);
      trace->confidence = confidence;
      misunderstood (&t);
      goto done;
    }

  if (act == NULL)
    act = intent;
  if (trace->intent == NULL)
    trace->intent = g_strdup (act);
  /* a resumed form or a confirmed option: the classifier's probability for it, if any */
  trace->confidence = 0.0;
  for (guint i = 0; i < trace->n_top; i++)
    if (g_strcmp0 (trace->top[i].intent, act) == 0)
      trace->confidence = trace->top[i].prob;
  /* a reply that fills a form ("SD-100234") is the form's answer, as sure as the
   * question that opened it, not the order number's own 0 % for that intent */
  if (session->form && strcmp (act, session->form) == 0)
    trace->confidence = MAX (trace->confidence, session->form_confidence);
  /* "what was in it?" is as sure as the answer about the order it follows */
  if (order_follow_up)
    trace->confidence = MAX (trace->confidence, session->order_confidence);
  session->misunderstandings = 0;
  /* a complaint's and a payment problem's own replies offer a person already */
  if (t.negative && !is_small_talk (act) && strcmp (act, "talk_to_human") != 0 &&
      strcmp (act, "complaint") != 0 && strcmp (act, "payment_problem") != 0)
    sd_turn_offer_person (&t);
  answer_intent (&t, act, free_text);

done:
  if (session->form && g_strcmp0 (trace->intent, session->form) == 0 && trace->confidence > 0)
    session->form_confidence = trace->confidence;
  if (sd_dialogue_order_form_intent (trace->intent) && trace->confidence > 0)
    session->order_confidence = trace->confidence;
  sd_turn_finish_trace (&t);
  trace->elapsed_us = g_get_monotonic_time () - t0;
  trace->cpu_us = sd_thread_cpu_us () - c0;
  return trace;
}

void
sd_chat_test_diff_free (SdChatTestDiff *diff)
{
  if (diff == NULL)
    return;
  g_free (diff->user);
  g_free (diff->expected_reply);
  g_free (diff->actual_reply);
  g_free (diff->expected_intent);
  g_free (diff->actual_intent);
  g_free (diff);
}

/* Every fact a saved turn had, the replayed turn has with the same value ("order_example"
 * aside: it follows the newest order). Facts may be added: a template that says more still
 * says what it said. */
static gboolean
same_facts (SdJsonNode        *expected,
            const SdTurnTrace *t)
{
  if (expected == NULL || sd_json_node_get_node_type (expected) != SD_JSON_OBJECT)
    return FALSE;
  for (guint i = 0; i < sd_json_node_get_length (expected); i++)
    {
      const char *name = sd_json_node_get_member_name (expected, i);
      const char *value = sd_json_node_get_string (sd_json_node_get_element (expected, i));
      gboolean found = FALSE;
      if (g_strcmp0 (name, "order_example") == 0)
        continue;
      for (guint f = 0; t->fact_names && t->fact_names[f] && !found; f++)
        found = strcmp (t->fact_names[f], name) == 0 && g_strcmp0 (t->fact_values[f], value) == 0;
      if (!found)
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
sd_dialogue_replay (SdDialogue  *self,
                    gint64       customer_id,
                    const char  *lang,
                    const char  *transcript_json,
                    GError     **error)
{
  g_return_val_if_fail (SD_IS_DIALOGUE (self), NULL);
  g_autoptr(SdJsonNode) root = sd_json_parse (transcript_json, -1, "saved chat test", error);
  if (root == NULL)
    return NULL;
  if (sd_json_node_get_node_type (root) != SD_JSON_ARRAY)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                           _("A saved chat test must be a JSON array of turns"));
      return NULL;
    }
  g_autoptr(GPtrArray) diffs = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chat_test_diff_free);
  g_autoptr(SdChatSession) session = sd_chat_session_new (customer_id, lang);
  for (guint i = 0; i < sd_json_node_get_length (root); i++)
    {
      SdJsonNode *turn = sd_json_node_get_element (root, i);
      const char *user = sd_json_node_get_member_string (turn, "user");
      const char *bot = sd_json_node_get_member_string (turn, "bot");
      const char *intent = sd_json_node_get_member_string (turn, "intent");
      if (user == NULL)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("Turn %u of the saved chat test has no “user” text"), i + 1);
          return NULL;
        }
      g_autoptr(SdTurnTrace) t = sd_dialogue_respond (self, session, user);
      gboolean same_reply = g_strcmp0 (sd_json_node_get_member_string (turn, "match"), "facts") == 0
                            ? same_facts (sd_json_node_get_member (turn, "facts"), t)
                            : g_strcmp0 (t->reply, bot) == 0;
      if (!same_reply || (intent && intent[0] && g_strcmp0 (t->intent, intent) != 0))
        {
          SdChatTestDiff *d = g_new0 (SdChatTestDiff, 1);
          d->turn = i;
          d->user = g_strdup (user);
          d->expected_reply = g_strdup (bot);
          d->actual_reply = g_strdup (t->reply);
          d->expected_intent = g_strdup (intent);
          d->actual_intent = g_strdup (t->intent);
          g_ptr_array_add (diffs, d);
        }
    }
  return g_steal_pointer (&diffs);
}
