/* sd-chatbot-page.c — the live chatbot preview
 *
 * The chatbot (SdDialogue) lives on a connection of its own and is only ever used from
 * GTask threads, one task at a time: getting ready trains the fallback classifier and
 * the sentiment model, which takes longer than a frame, and a turn reads the shop's
 * tables. The page keeps the turns and their traces and draws them; it never waits.
 *
 * With a language model (Preferences → Language Model) each new turn's template reply is
 * handed, after the dialogue made it, to a generation task of its own: the model's text
 * streams into the bubble, the guardrails judge it, and the turn keeps the verdict. The
 * conversation goes on meanwhile; a dead or slow server only costs the generated text.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-chatbot-page-private.h"
#include "sd-customer-list.h"
#include "sd-list-rows.h"
#include "sd-page-host.h"

#define N_CUSTOMERS 300

/* ---------------------------------------------------------------- the worker */

static void
worker_clear (gpointer data)
{
  Worker *w = data;

  g_clear_pointer (&w->llm_shop, sd_llm_shop_context_free);
  g_clear_object (&w->dialogue);
  g_clear_object (&w->store);
}

Worker *
sd_chatbot_page_worker_ref (Worker *w)
{
  return g_atomic_rc_box_acquire (w);
}

void
sd_chatbot_page_worker_unref (Worker *w)
{
  g_atomic_rc_box_release_full (w, worker_clear);
}

void
sd_chatbot_page_turn_free (Turn *t)
{
  if (t->streamed)
    g_string_free (t->streamed, TRUE);
  g_free (t->user);
  sd_turn_trace_free (t->trace);
  g_free (t);
}

G_DEFINE_FINAL_TYPE (SdChatbotPage, sd_chatbot_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  PROP_REPLY_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
sd_chatbot_page_toast (SdChatbotPage *self,
                       const char    *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (SD_IS_PAGE_HOST (root))
    sd_page_host_toast (GTK_WIDGET (self), message);
}

void
sd_chatbot_page_set_busy (SdChatbotPage *self,
                          gboolean       busy)
{
  self->busy = busy;
  if (busy)
    gtk_spinner_start (self->thinking_spinner);
  else
    gtk_spinner_stop (self->thinking_spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), !busy && self->worker != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.replay", !busy && self->turns->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.save-test", !busy && self->turns->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.export", self->turns->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.run-tests", !busy && self->worker != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

gint64
sd_chatbot_page_current_customer (SdChatbotPage *self)
{
  guint i = gtk_drop_down_get_selected (self->customer_drop);

  if (self->customers == NULL || i >= self->customers->len)
    return 0;
  return ((SdCustomerEntry *) g_ptr_array_index (self->customers, i))->id;
}

const char *
sd_chatbot_page_current_lang (SdChatbotPage *self)
{
  switch (gtk_drop_down_get_selected (self->lang_drop))
    {
    case 1: return "en";
    case 2: return "zh_CN";
    default: return NULL;
    }
}

/* Runs @func in a thread with the worker; @done gets the task back on the main loop. */
void
sd_chatbot_page_run_on_worker (SdChatbotPage        *self,
                               GTaskThreadFunc       func,
                               gpointer              data,
                               GDestroyNotify        destroy,
                               GAsyncReadyCallback   done)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, done, NULL);

  g_task_set_name (task, "[shopdesk] chatbot");
  g_task_set_task_data (task, data, destroy);
  sd_chatbot_page_set_busy (self, TRUE);
  sd_job_run_task_in_thread (task, func);
}

/* ---------------------------------------------------------------- getting ready */

typedef struct {
  char      *db_path;
  Worker    *worker;
  GPtrArray *customers;
} ReadyWork;

static void
ready_work_free (ReadyWork *w)
{
  g_free (w->db_path);
  if (w->worker)
    sd_chatbot_page_worker_unref (w->worker);
  g_clear_pointer (&w->customers, g_ptr_array_unref);
  g_free (w);
}

static void
ready_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  ReadyWork *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) customers = NULL;
  Worker *worker = g_atomic_rc_box_new0 (Worker);
  SdCustomerEntry *anonymous = g_new0 (SdCustomerEntry, 1);

  w->worker = worker;
  if (!(worker->store = sd_store_open (w->db_path, &error)) ||
      !(worker->dialogue = sd_dialogue_new (worker->store, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* the intent classifiers ready before the first message (the fallback from its cache) */
  if (!sd_dialogue_prepare (worker->dialogue, cancellable, &error))
    {
      g_debug ("Chatbot: the fallback classifier is not ready (the first message will try again): %s",
               error->message);
      g_clear_error (&error);
    }

  /* The customers with most orders first: they have the most to ask about. */
  w->customers = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_customer_entry_free);
  anonymous->name = g_strdup (_("An anonymous visitor"));
  g_ptr_array_add (w->customers, anonymous);
  if (!(customers = sd_customer_list_most_orders (worker->store, N_CUSTOMERS, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_extend_and_steal (w->customers, g_steal_pointer (&customers));
  /* what a language model would be told of the shop; without it, no generated replies */
  if (!(worker->llm_shop = sd_llm_shop_context_load (worker->store, &error)))
    {
      g_debug ("Chatbot: the shop's settings for a language model could not be read: %s", error->message);
      g_clear_error (&error);
    }
  g_task_return_boolean (task, TRUE);
}

static void
ready_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (object);
  ReadyWork *w = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  gtk_spinner_stop (self->loading_spinner);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      adw_status_page_set_title (self->loading_page, _("The Chatbot Could Not Start"));
      adw_status_page_set_description (self->loading_page, error->message);
      sd_chatbot_page_set_busy (self, FALSE);
      return;
    }

  self->worker = g_steal_pointer (&w->worker);
  g_clear_pointer (&self->customers, g_ptr_array_unref);
  self->customers = g_steal_pointer (&w->customers);
  for (guint i = 0; i < self->customers->len; i++)
    {
      SdCustomerEntry *c = g_ptr_array_index (self->customers, i);
      /* A shop without names (Online Retail) lists its customers by id, not as "— (14911)". */
      g_autofree char *label = c->id == 0 ? g_strdup (c->name)
                               : c->name && *c->name ? g_strdup_printf ("%s (%s)", c->name, c->external_id)
                               : g_strdup (c->external_id);
      gtk_string_list_append (names, label);
    }
  g_signal_handlers_block_by_func (self->customer_drop, sd_chatbot_page_selection_changed_cb, self);
  gtk_drop_down_set_model (self->customer_drop, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->customer_drop, self->customers->len > 1 ? 1 : 0);
  g_signal_handlers_unblock_by_func (self->customer_drop, sd_chatbot_page_selection_changed_cb, self);
  sd_chatbot_page_set_busy (self, FALSE);
  sd_chatbot_page_new_conversation (self);
}

static void
get_ready (SdChatbotPage *self)
{
  ReadyWork *w;

  /* A script waiting to be played (given before the page was first shown) stays: its
   * ticks wait for the new worker. */
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->worker, sd_chatbot_page_worker_unref);
  self->busy = FALSE;
  sd_chatbot_page_new_conversation (self);
  if (self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->conversation_stack, "loading");
  adw_status_page_set_title (self->loading_page, _("Getting the Chatbot Ready"));
  adw_status_page_set_description (self->loading_page, _("Learning the shop's catalogue and the chatbot's examples"));
  gtk_spinner_start (self->loading_spinner);
  w = g_new0 (ReadyWork, 1);
  w->db_path = g_strdup (sd_store_get_path (self->store));
  sd_chatbot_page_run_on_worker (self, ready_thread, w, (GDestroyNotify) ready_work_free, ready_done_cb);
}

static gboolean
ready_later_cb (gpointer user_data)
{
  SdChatbotPage *self = user_data;

  self->ready_source = 0;
  get_ready (self);
  return G_SOURCE_REMOVE;
}

/* Learning a large catalogue takes a core for seconds: hidden, the page lets the one on
 * screen show first, and gets ready a little later (or at once when it is shown). */
#define READY_LATER_S 8

static void
get_ready_soon (SdChatbotPage *self)
{
  g_clear_handle_id (&self->ready_source, g_source_remove);
  if (self->store == NULL || gtk_widget_get_mapped (GTK_WIDGET (self)))
    get_ready (self);
  else
    self->ready_source = g_timeout_add_seconds (READY_LATER_S, ready_later_cb, self);
}

static void
sd_chatbot_page_map (GtkWidget *widget)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);

  GTK_WIDGET_CLASS (sd_chatbot_page_parent_class)->map (widget);
  if (self->ready_source)
    {
      g_clear_handle_id (&self->ready_source, g_source_remove);
      get_ready (self);
    }
}

static void
store_changed_cb (SdChatbotPage *self)
{
  /* New products, orders or a retrained model: start afresh with the new data. */
  if (!self->busy)
    get_ready_soon (self);
}

/* ---------------------------------------------------------------- reply modes */

/* Draws every turn again, in the current mode (nothing is asked again). */
static void
rebuild_rows (SdChatbotPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->messages);
  guint selected = row ? GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "turn")) : G_MAXUINT;
  GtkWidget *child;

  for (guint t = 0; t < self->turns->len; t++)
    {
      Turn *turn = g_ptr_array_index (self->turns, t);
      turn->gen_label = NULL;
      turn->gen_note = NULL;
    }
  sd_list_box_remove_all (self->messages);
  for (guint t = 0; t < self->turns->len; t++)
    sd_chatbot_page_append_turn_rows (self, t);
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->messages)); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_list_box_row_get_selectable (GTK_LIST_BOX_ROW (child)) &&
        GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), "turn")) == selected)
      gtk_list_box_select_row (self->messages, GTK_LIST_BOX_ROW (child));
}

const char *
sd_chatbot_page_get_reply_mode (SdChatbotPage *self)
{
  g_return_val_if_fail (SD_IS_CHATBOT_PAGE (self), NULL);
  return self->reply_mode;
}

void
sd_chatbot_page_set_reply_mode (SdChatbotPage *self,
                                const char    *mode)
{
  static const char *const modes[] = { "template", "generated", "side-by-side", NULL };

  g_return_if_fail (SD_IS_CHATBOT_PAGE (self));
  if (mode == NULL || !g_strv_contains (modes, mode) || g_strcmp0 (self->reply_mode, mode) == 0)
    return;
  g_free (self->reply_mode);
  self->reply_mode = g_strdup (mode);
  rebuild_rows (self);
  sd_chatbot_page_update_llm_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_MODE]);
}

gboolean
sd_chatbot_page_get_generating (SdChatbotPage *self)
{
  g_return_val_if_fail (SD_IS_CHATBOT_PAGE (self), FALSE);
  return self->generating;
}

const SdTurnTrace *
sd_chatbot_page_get_trace (SdChatbotPage *self,
                           guint          turn)
{
  g_return_val_if_fail (SD_IS_CHATBOT_PAGE (self), NULL);
  return turn < self->turns->len ? ((Turn *) g_ptr_array_index (self->turns, turn))->trace : NULL;
}

/* The shop's tone for generated replies, and whether the model may see names: shop
 * settings, written by the worker on its own connection. */
typedef struct {
  Worker           *worker;
  char             *tone;
  gboolean          share;
  SdLlmShopContext *reloaded;
} StyleWork;

static void
style_work_free (StyleWork *w)
{
  sd_chatbot_page_worker_unref (w->worker);
  g_free (w->tone);
  sd_llm_shop_context_free (w->reloaded);
  g_free (w);
}

static void
style_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  StyleWork *w = data;
  GError *error = NULL;

  if (!sd_store_set_setting (w->worker->store, "chat.tone", w->tone, &error) ||
      !sd_store_set_setting (w->worker->store, "chat.llm.share_identity", w->share ? "1" : "0", &error) ||
      !(w->reloaded = sd_llm_shop_context_load (w->worker->store, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
style_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (object);
  StyleWork *w = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  sd_chatbot_page_set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      sd_chatbot_page_toast (self, error->message);
      return;
    }
  /* only the main thread reads the worker's copy */
  sd_llm_shop_context_free (w->worker->llm_shop);
  w->worker->llm_shop = g_steal_pointer (&w->reloaded);
  sd_chatbot_page_toast (self, _("Reply style saved for this shop"));
}

static void
style_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   SdChatbotPage    *self)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  GtkEditable *entry = GTK_EDITABLE (gtk_widget_get_first_child (box));
  GtkCheckButton *share = GTK_CHECK_BUTTON (gtk_widget_get_last_child (box));
  StyleWork *w;

  if (g_strcmp0 (response, "save") != 0 || self->worker == NULL || self->busy)
    return;
  w = g_new0 (StyleWork, 1);
  w->worker = sd_chatbot_page_worker_ref (self->worker);
  w->tone = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  w->share = gtk_check_button_get_active (share);
  sd_chatbot_page_run_on_worker (self, style_thread, w, (GDestroyNotify) style_work_free, style_done_cb);
}

static void
reply_style_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  GtkWidget *dialog, *box, *entry, *share;

  if (self->worker == NULL || self->busy)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Generated Reply Style"),
                                   _("How this shop's chatbot sounds when a language model phrases its replies. "
                                     "The facts stay the same; the guardrails check every reply."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Tone, e.g. “warm and brief” or “formal”"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tone"), -1);
  if (self->worker->llm_shop && self->worker->llm_shop->tone)
    gtk_editable_set_text (GTK_EDITABLE (entry), self->worker->llm_shop->tone);
  share = gtk_check_button_new_with_mnemonic (_("Let the model see customers' _names, e-mail addresses and phone numbers"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (share), self->worker->llm_shop && self->worker->llm_shop->share_identity);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), share);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_signal_connect (dialog, "response", G_CALLBACK (style_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------- object */

SdStore *
sd_chatbot_page_get_store (SdChatbotPage *self)
{
  return self->store;
}

void
sd_chatbot_page_set_store (SdChatbotPage *self,
                           SdStore       *store)
{
  g_return_if_fail (SD_IS_CHATBOT_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, store_changed_cb, self);
  g_set_object (&self->store, store);
  if (store)
    g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
  get_ready_soon (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
sd_chatbot_page_get_busy (SdChatbotPage *self)
{
  return self->busy || self->worker == NULL;
}

guint
sd_chatbot_page_get_n_turns (SdChatbotPage *self)
{
  return self->turns->len;
}

const char *
sd_chatbot_page_get_last_intent (SdChatbotPage *self)
{
  return self->turns->len ? ((Turn *) g_ptr_array_index (self->turns, self->turns->len - 1))->trace->intent : NULL;
}

const char *
sd_chatbot_page_get_last_reply (SdChatbotPage *self)
{
  return self->turns->len ? ((Turn *) g_ptr_array_index (self->turns, self->turns->len - 1))->trace->reply : NULL;
}

static void
setup_ellipsized_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
setup_full_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_string_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      string ? gtk_string_object_get_string (string) : "");
}

/* The chosen customer by name alone where there is one ("吴敏", not "吴敏 (CUS-000…"); the
 * id is in the open list and the tooltip. */
static void
bind_name_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *text = string ? gtk_string_object_get_string (string) : "";
  const char *id = g_str_has_suffix (text, ")") ? g_strrstr (text, " (") : NULL;
  g_autofree char *name = id && id > text ? g_strndup (text, id - text) : g_strdup (text);

  gtk_label_set_text (GTK_LABEL (label), name);
  gtk_widget_set_tooltip_text (label, text);
}

static void
sd_chatbot_page_dispose (GObject *object)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (object);

  g_clear_handle_id (&self->ready_source, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->gen_cancellable)
    g_cancellable_cancel (self->gen_cancellable);
  g_clear_object (&self->gen_cancellable);
  /* the bubbles go with the template; a generation ending later must not reach them */
  for (guint t = 0; self->turns && t < self->turns->len; t++)
    {
      Turn *turn = g_ptr_array_index (self->turns, t);
      turn->gen_label = NULL;
      turn->gen_note = NULL;
    }
  if (self->settings)
    g_signal_handlers_disconnect_by_func (self->settings, sd_chatbot_page_update_llm_status, self);
  g_clear_object (&self->settings);
  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, store_changed_cb, self);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_CHATBOT_PAGE);
  /* dispose_template leaves an unnamed top child in place. */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (sd_chatbot_page_parent_class)->dispose (object);
}

static void
sd_chatbot_page_finalize (GObject *object)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (object);

  g_clear_pointer (&self->worker, sd_chatbot_page_worker_unref);
  g_clear_pointer (&self->customers, g_ptr_array_unref);
  g_clear_pointer (&self->session, sd_chat_session_free);
  g_clear_pointer (&self->turns, g_ptr_array_unref);
  g_free (self->reply_mode);
  g_queue_free_full (self->script, g_free);

  G_OBJECT_CLASS (sd_chatbot_page_parent_class)->finalize (object);
}

static void
sd_chatbot_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, sd_chatbot_page_get_busy (self));
      break;
    case PROP_REPLY_MODE:
      g_value_set_string (value, self->reply_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_chatbot_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      sd_chatbot_page_set_store (SD_CHATBOT_PAGE (object), g_value_get_object (value));
      break;
    case PROP_REPLY_MODE:
      sd_chatbot_page_set_reply_mode (SD_CHATBOT_PAGE (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_chatbot_page_class_init (SdChatbotPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_chatbot_page_dispose;
  object_class->finalize = sd_chatbot_page_finalize;
  widget_class->map = sd_chatbot_page_map;
  object_class->get_property = sd_chatbot_page_get_property;
  object_class->set_property = sd_chatbot_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* "template", "generated" or "side-by-side" */
  properties[PROP_REPLY_MODE] =
    g_param_spec_string ("reply-mode", NULL, NULL, "template",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-chatbot-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, customer_drop);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, lang_drop);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, conversation_stack);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, loading_page);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, suggestions);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, messages_scroller);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, messages);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, message_entry);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, thinking_spinner);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, inspector_stack);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, inspector);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, llm_status_revealer);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, llm_status);
  gtk_widget_class_bind_template_child (widget_class, SdChatbotPage, stop_button);
  gtk_widget_class_bind_template_callback (widget_class, sd_chatbot_page_send_cb);
  gtk_widget_class_bind_template_callback (widget_class, sd_chatbot_page_turn_selected_cb);

  gtk_widget_class_install_action (widget_class, "chat.new", NULL, sd_chatbot_page_new_action);
  gtk_widget_class_install_action (widget_class, "chat.replay", NULL, sd_chatbot_page_replay_action);
  gtk_widget_class_install_action (widget_class, "chat.save-test", NULL, sd_chatbot_page_save_test_action);
  gtk_widget_class_install_action (widget_class, "chat.run-tests", NULL, sd_chatbot_page_run_tests_action);
  gtk_widget_class_install_action (widget_class, "chat.export", NULL, sd_chatbot_page_export_action);
  gtk_widget_class_install_action (widget_class, "chat.train", NULL, sd_chatbot_page_train_action);
  gtk_widget_class_install_action (widget_class, "chat.stop-generating", NULL, sd_chatbot_page_stop_generating_action);
  gtk_widget_class_install_action (widget_class, "chat.play-script", "ay", sd_chatbot_page_play_script_action);
  gtk_widget_class_install_action (widget_class, "chat.reply-style", NULL, reply_style_action);
  gtk_widget_class_install_property_action (widget_class, "chat.reply-mode", "reply-mode");

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sd_chatbot_page_init (SdChatbotPage *self)
{
  /* Translators: suggestions on the empty chatbot page; they are sent as the customer. */
  const char *suggestions[] = {
    N_("Where is my order?"), N_("I want to return something"), N_("Any coupons for me?"),
    "我的订单到哪了？", N_("Can you recommend something?"), N_("I'd like to talk to a person"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->script = g_queue_new ();
  self->turns = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chatbot_page_turn_free);
  self->reply_mode = g_strdup ("template");
  {
    /* the language model is a user preference; without the installed schema there is none */
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
    if (schema)
      {
        self->settings = g_settings_new (APP_ID);
        g_signal_connect_swapped (self->settings, "changed", G_CALLBACK (sd_chatbot_page_update_llm_status), self);
      }
  }
  sd_chatbot_page_set_generating (self, FALSE);

  /* One suggestion shows the other language: Chinese in an English UI, and English in a
   * Chinese one (where the Chinese line would repeat the translated first suggestion). */
  gboolean ui_chinese = g_str_has_prefix (g_get_language_names ()[0], "zh") &&
                        g_strcmp0 (_(suggestions[0]), suggestions[0]) != 0;

  for (guint i = 0; i < G_N_ELEMENTS (suggestions); i++)
    {
      const char *text = !g_str_has_prefix (suggestions[i], "我") ? _(suggestions[i])
                         : ui_chinese ? suggestions[0] : suggestions[i];
      GtkWidget *button = gtk_button_new_with_label (text);
      gtk_widget_add_css_class (button, "pill");
      g_signal_connect (button, "clicked", G_CALLBACK (sd_chatbot_page_suggestion_clicked_cb), self);
      gtk_flow_box_append (self->suggestions, button);
    }
  {
    /* The chosen customer's label ellipsizes: a long name must not widen the page past
     * the window (the sidebar would fold away). The open list shows names in full. */
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (setup_ellipsized_cb), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (bind_name_cb), NULL);
    gtk_drop_down_set_factory (self->customer_drop, factory);
  }
  {
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (setup_full_cb), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (bind_string_cb), NULL);
    gtk_drop_down_set_list_factory (self->customer_drop, factory);
  }
  g_signal_connect_swapped (self->customer_drop, "notify::selected", G_CALLBACK (sd_chatbot_page_selection_changed_cb), self);
  g_signal_connect_swapped (self->lang_drop, "notify::selected", G_CALLBACK (sd_chatbot_page_selection_changed_cb), self);
  sd_chatbot_page_set_busy (self, FALSE);
}
