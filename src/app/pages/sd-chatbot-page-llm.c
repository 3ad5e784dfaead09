/* sd-chatbot-page-llm.c — the Chatbot page's optional language model: a turn's reply generated
 * from its facts, streamed into the bubble, judged by the guardrails */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-chatbot-page-private.h"
#include "sd-customer-list.h"
#include "sd-list-rows.h"

/* ---------------------------------------------------------------- the language model */

/* Whether new turns get a generated reply; @why says what to fix when not. */
static gboolean
llm_usable (SdChatbotPage  *self,
            char          **why)
{
  g_autofree char *url = NULL;
  g_autofree char *allowed = NULL;

  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "llm-enabled"))
    {
      *why = g_strdup (_("The language model is off: switch it on in Preferences, under Language Model. "
                         "Replies come from the templates."));
      return FALSE;
    }
  url = g_settings_get_string (self->settings, "llm-url");
  allowed = g_settings_get_string (self->settings, "llm-remote-allowed");
  switch (sd_llm_url_kind (url))
    {
    case SD_LLM_URL_INVALID:
      *why = g_strdup_printf (_("“%s” is not the address of a language model server: check it in Preferences. "
                                "Replies come from the templates."), url);
      return FALSE;
    case SD_LLM_URL_REMOTE:
      if (g_strcmp0 (url, allowed) == 0)
        return TRUE;
      *why = g_strdup_printf (_("%s is beyond your network and was not confirmed in Preferences, so no customer "
                                "message is sent there. Replies come from the templates."), url);
      return FALSE;
    default:
      return TRUE;
    }
}

void
sd_chatbot_page_update_llm_status (SdChatbotPage *self)
{
  g_autofree char *why = NULL;
  gboolean show = g_strcmp0 (self->reply_mode, "template") != 0 && !llm_usable (self, &why);

  gtk_label_set_text (self->llm_status, why ? why : "");
  gtk_revealer_set_reveal_child (self->llm_status_revealer, show);
}

void
sd_chatbot_page_set_generating (SdChatbotPage *self,
                                gboolean       generating)
{
  self->generating = generating;
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), generating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.stop-generating", generating);
}

typedef struct {
  GWeakRef          page;
  GPtrArray        *turns;      /* the conversation's (a ref): a new one leaves this behind */
  Turn             *turn;
  SdLlmShopContext *shop;       /* a copy: the worker's may be replaced meanwhile */
  char             *url;
  char             *model;
  char             *customer_name;
  GMutex            lock;
  GString          *streamed;   /* under lock */
  gboolean          scheduled;  /* under lock: an update of the bubble is queued */
  SdTurnGeneration *result;
} GenWork;

static void
gen_work_clear (gpointer data)
{
  GenWork *w = data;

  g_weak_ref_clear (&w->page);
  g_ptr_array_unref (w->turns);
  sd_llm_shop_context_free (w->shop);
  g_free (w->url);
  g_free (w->model);
  g_free (w->customer_name);
  g_mutex_clear (&w->lock);
  g_string_free (w->streamed, TRUE);
  sd_turn_generation_free (w->result);
}

static GenWork *
gen_work_ref (GenWork *w)
{
  return g_atomic_rc_box_acquire (w);
}

static void
gen_work_unref (GenWork *w)
{
  g_atomic_rc_box_release_full (w, gen_work_clear);
}

/* On the main loop: the bubble shows what has streamed in so far. */
static gboolean
show_streamed (gpointer data)
{
  GenWork *w = data;
  g_autoptr(SdChatbotPage) self = g_weak_ref_get (&w->page);

  g_mutex_lock (&w->lock);
  w->scheduled = FALSE;
  if (self && self->turns == w->turns)
    {
      if (w->turn->streamed == NULL)
        w->turn->streamed = g_string_new (NULL);
      g_string_assign (w->turn->streamed, w->streamed->str);
    }
  g_mutex_unlock (&w->lock);
  if (self && self->turns == w->turns && w->turn->gen_label)
    sd_chatbot_page_update_generation_bubble (w->turn, g_strcmp0 (self->reply_mode, "side-by-side") == 0);
  return G_SOURCE_REMOVE;
}

/* In the generation thread, for each piece of text: at most one update queued at a time. */
static void
gen_token (const char *delta,
           gpointer    data)
{
  GenWork *w = data;

  g_mutex_lock (&w->lock);
  g_string_append (w->streamed, delta);
  if (!w->scheduled)
    {
      w->scheduled = TRUE;
      g_idle_add_full (G_PRIORITY_LOW, show_streamed, gen_work_ref (w), (GDestroyNotify) gen_work_unref);
    }
  g_mutex_unlock (&w->lock);
}

static void
generate_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  GenWork *w = data;
  g_autoptr(SdLlmClient) client = sd_llm_client_new (w->url, w->model);
  g_autoptr(GError) error = NULL;
  /* the keyring may block or ask to be unlocked: here, not on the main thread */
  g_autofree char *key = sd_llm_key_lookup (sd_llm_client_get_endpoint (client), &error);

  if (error)
    g_debug ("Chatbot: no API key for %s: %s", w->url, error->message);
  sd_llm_client_set_api_key (client, key);
  sd_llm_client_set_timeouts (client, 15, 45);
  w->result = sd_llm_reply_generate (client, w->shop, w->customer_name, w->turn->trace, gen_token, w, cancellable);
  g_task_return_boolean (task, TRUE);
}

static void start_generation (SdChatbotPage *self);

static void
generate_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (object);
  GenWork *w = g_task_get_task_data (G_TASK (result));
  Turn *turn = w->turn;

  turn->gen = GEN_DONE;
  sd_turn_trace_set_generation (turn->trace, g_steal_pointer (&w->result));
  if (self->turns != w->turns || self->messages == NULL)
    return;   /* a new conversation (or a page going away) has stopped this one */
  sd_chatbot_page_set_generating (self, FALSE);
  sd_chatbot_page_update_generation_bubble (turn, g_strcmp0 (self->reply_mode, "side-by-side") == 0);
  {
    GtkListBoxRow *row = gtk_list_box_get_selected_row (self->messages);
    guint index;
    if (row && (index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "turn"))) < self->turns->len &&
        g_ptr_array_index (self->turns, index) == turn)
      sd_chatbot_page_show_turn (self, index);
  }
  start_generation (self);
}

/* Generates the next turn that waits, one at a time and in order. */
static void
start_generation (SdChatbotPage *self)
{
  g_autoptr(GTask) task = NULL;
  GenWork *w;
  Turn *turn = NULL;
  guint i = gtk_drop_down_get_selected (self->customer_drop);
  const SdCustomerEntry *who = self->customers && i < self->customers->len ? g_ptr_array_index (self->customers, i) : NULL;

  if (self->generating || self->worker == NULL)
    return;
  for (guint t = 0; t < self->turns->len && turn == NULL; t++)
    if (((Turn *) g_ptr_array_index (self->turns, t))->gen == GEN_PENDING)
      turn = g_ptr_array_index (self->turns, t);
  if (turn == NULL)
    return;

  w = g_atomic_rc_box_new0 (GenWork);
  g_weak_ref_init (&w->page, self);
  g_mutex_init (&w->lock);
  w->turns = g_ptr_array_ref (self->turns);
  w->turn = turn;
  w->streamed = g_string_new (NULL);
  w->url = g_settings_get_string (self->settings, "llm-url");
  w->model = g_settings_get_string (self->settings, "llm-model");
  w->customer_name = who && who->id ? g_strdup (who->name) : NULL;
  if (self->worker->llm_shop)
    {
      w->shop = g_new0 (SdLlmShopContext, 1);
      w->shop->tone = g_strdup (self->worker->llm_shop->tone);
      w->shop->share_identity = self->worker->llm_shop->share_identity;
      w->shop->products = g_strdupv (self->worker->llm_shop->products);
    }
  turn->gen = GEN_RUNNING;
  if (self->gen_cancellable == NULL)
    self->gen_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->gen_cancellable, generate_done_cb, NULL);
  g_task_set_name (task, "[shopdesk] chatbot language model");
  g_task_set_task_data (task, w, (GDestroyNotify) gen_work_unref);
  sd_chatbot_page_set_generating (self, TRUE);
  sd_chatbot_page_update_generation_bubble (turn, g_strcmp0 (self->reply_mode, "side-by-side") == 0);
  sd_job_run_task_in_thread (task, generate_thread);
}

/* Stops the model: the turn being written and those waiting keep their template replies. */
static void
stop_generating (SdChatbotPage *self)
{
  if (self->gen_cancellable)
    g_cancellable_cancel (self->gen_cancellable);
  g_clear_object (&self->gen_cancellable);
  for (guint t = 0; t < self->turns->len; t++)
    {
      Turn *turn = g_ptr_array_index (self->turns, t);
      if (turn->gen == GEN_PENDING)
        {
          SdTurnGeneration *g = g_new0 (SdTurnGeneration, 1);
          g->status = g_strdup ("cancelled");
          g->rejected_reason = g_strdup ("cancelled");
          g->template_reply = g_strdup (turn->trace->reply);
          sd_turn_trace_set_generation (turn->trace, g);
          turn->gen = GEN_DONE;
          sd_chatbot_page_update_generation_bubble (turn, g_strcmp0 (self->reply_mode, "side-by-side") == 0);
        }
    }
  /* the running turn finishes (cancelled) in generate_done_cb */
}

void
sd_chatbot_page_stop_generating_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  stop_generating (SD_CHATBOT_PAGE (widget));
}

static void
respond_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (object);
  RespondWork *w = g_task_get_task_data (G_TASK (result));

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  sd_chatbot_page_set_busy (self, FALSE);
  if (w->session != self->session)
    return;
  {
    g_autofree char *why = NULL;
    gboolean generate = g_strcmp0 (self->reply_mode, "template") != 0 && llm_usable (self, &why);

    for (guint i = 0; i < w->traces->len; i++)
      {
        Turn *turn = g_new0 (Turn, 1);
        turn->trace = g_ptr_array_index (w->traces, i);
        g_ptr_array_index (w->traces, i) = NULL;
        turn->user = g_strdup (g_ptr_array_index (w->messages, i));
        turn->after_retraining = w->reload;
        turn->gen = generate && sd_llm_reply_wanted (turn->trace) ? GEN_PENDING : GEN_NONE;
        g_ptr_array_add (self->turns, turn);
        sd_chatbot_page_append_turn_rows (self, self->turns->len - 1);
      }
  }
  sd_chatbot_page_set_busy (self, FALSE);
  start_generation (self);
  g_idle_add (sd_chatbot_page_scroll_to_end, g_object_ref (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->message_entry));
}

void
sd_chatbot_page_respond (SdChatbotPage *self,
                         GPtrArray     *messages,
                         gboolean       reload)
{
  RespondWork *w = g_new0 (RespondWork, 1);

  w->worker = sd_chatbot_page_worker_ref (self->worker);
  w->session = self->session;
  w->messages = messages;
  w->traces = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_turn_trace_free);
  w->reload = reload;
  sd_chatbot_page_run_on_worker (self, sd_chatbot_page_respond_thread, w, (GDestroyNotify) sd_chatbot_page_respond_work_free, respond_done_cb);
}

gboolean
sd_chatbot_page_send (SdChatbotPage *self,
                      const char    *message)
{
  GPtrArray *messages;

  g_return_val_if_fail (SD_IS_CHATBOT_PAGE (self), FALSE);

  if (self->busy || self->worker == NULL || message == NULL)
    return FALSE;
  messages = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (messages, g_strdup (message));
  sd_chatbot_page_respond (self, messages, FALSE);
  return TRUE;
}

void
sd_chatbot_page_send_cb (SdChatbotPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->message_entry));

  if (*text == '\0')
    return;
  if (sd_chatbot_page_send (self, text))
    gtk_editable_set_text (GTK_EDITABLE (self->message_entry), "");
}

/* A scripted message goes into the entry and is sent as if typed and Enter pressed, one
 * at a time once the chatbot is ready and has answered the one before. */
static gboolean
play_script_tick (gpointer user_data)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (user_data);
  g_autofree char *line = NULL;

  if (self->busy || self->generating || self->worker == NULL)
    return G_SOURCE_CONTINUE;
  line = g_queue_pop_head (self->script);
  if (line == NULL)
    {
      self->script_source = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->message_entry), line);
  g_signal_emit_by_name (self->message_entry, "activate");
  return G_SOURCE_CONTINUE;
}

/* chat.play-script FILE: each non-empty line of the UTF-8 text file FILE becomes a
 * customer message (shopdesk --chat-script: for screenshots and tests, where nothing can
 * type Chinese). */
void
sd_chatbot_page_play_script_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  const char *path = g_variant_get_bytestring (parameter);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error) || !g_utf8_validate (contents, -1, NULL))
    {
      g_autofree char *name = g_filename_display_name (path);
      g_autofree char *message = g_strdup_printf (_("Could not read the chat script %s: %s"), name,
                                                  error ? error->message : _("it is not UTF-8 text"));
      /* a script is given on the command line: say so there too */
      g_printerr ("%s\n", message);
      sd_chatbot_page_toast (self, message);
      return;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (*line)
        g_queue_push_tail (self->script, g_strdup (line));
    }
  if (self->script_source == 0 && !g_queue_is_empty (self->script))
    self->script_source = g_timeout_add (250, play_script_tick, self);
}

void
sd_chatbot_page_suggestion_clicked_cb (GtkButton     *button,
                                       SdChatbotPage *self)
{
  sd_chatbot_page_send (self, gtk_button_get_label (button));
}

void
sd_chatbot_page_new_conversation (SdChatbotPage *self)
{
  if (self->busy)
    return;
  g_clear_pointer (&self->session, sd_chat_session_free);
  self->session = sd_chat_session_new (sd_chatbot_page_current_customer (self), sd_chatbot_page_current_lang (self));
  /* a generation still running keeps the old turns alive until it ends, unseen */
  stop_generating (self);
  sd_chatbot_page_set_generating (self, FALSE);
  g_ptr_array_unref (self->turns);
  self->turns = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chatbot_page_turn_free);
  sd_list_box_remove_all (self->messages);
  gtk_stack_set_visible_child_name (self->inspector_stack, "none");
  if (self->worker)
    gtk_stack_set_visible_child_name (self->conversation_stack, "empty");
  sd_chatbot_page_set_busy (self, FALSE);
}

void
sd_chatbot_page_new_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  sd_chatbot_page_new_conversation (SD_CHATBOT_PAGE (widget));
}

void
sd_chatbot_page_replay_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);

  if (self->busy || self->turns->len == 0)
    return;
  for (guint i = 0; i < self->turns->len; i++)
    g_ptr_array_add (messages, g_strdup (((Turn *) g_ptr_array_index (self->turns, i))->user));
  sd_chatbot_page_new_conversation (self);
  sd_chatbot_page_respond (self, g_steal_pointer (&messages), FALSE);
}

void
sd_chatbot_page_selection_changed_cb (SdChatbotPage *self)
{
  sd_chatbot_page_new_conversation (self);
}
