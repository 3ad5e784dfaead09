/* sd-chatbot-page-corrections.c — staff corrections on the Chatbot page: a turn's intent
 * corrected, saved test conversations, the conversation exported */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-chat-corpus.h"
#include "sd-chatbot-page-private.h"
#include "sd-customer-list.h"
#include "sd-page-host.h"

/* ---------------------------------------------------------------- correcting */

typedef struct {
  SdChatbotPage *page;
  guint          turn;
  GtkDropDown   *intents;
  GtkPopover    *popover;
} Correction;

static void
correction_free (gpointer data)
{
  g_free (data);
}

static void
retrained_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdChatbotPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_object_steal_data (object, "text");
  GPtrArray *messages;

  if (!sd_job_run_finish (SD_JOB (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not retrain the chatbot: %s"), error->message);
          sd_chatbot_page_toast (self, message);
        }
      return;
    }
  sd_chatbot_page_toast (self, text ? _("The chatbot has learnt the correction") : _("The intent model is trained"));
  if (self->worker == NULL || self->busy)
    return;
  if (text == NULL)
    {
      /* No message to ask again: just let the chatbot pick up the new model. */
      messages = g_ptr_array_new_with_free_func (g_free);
      sd_chatbot_page_respond (self, messages, TRUE);
      return;
    }
  /* Ask again, so the new answer shows next to the old one. */
  messages = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (messages, g_steal_pointer (&text));
  sd_chatbot_page_respond (self, messages, TRUE);
}

gboolean
sd_chatbot_page_correct (SdChatbotPage  *self,
                         guint           index,
                         const char     *intent,
                         GError        **error)
{
  g_autoptr(SdJob) job = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  Turn *turn;

  g_return_val_if_fail (SD_IS_CHATBOT_PAGE (self), FALSE);
  g_return_val_if_fail (index < self->turns->len, FALSE);

  turn = g_ptr_array_index (self->turns, index);
  if (self->store == NULL ||
      sd_chat_corpus_add_example (self->store, intent, turn->trace->lang ? turn->trace->lang : "en",
                                  turn->trace->text, SD_CHAT_SOURCE_CORRECTION, error) == 0)
    return FALSE;
  job = sd_dialogue_train_job_new (sd_store_get_path (self->store));
  sd_job_set_ask_before_quit (job, TRUE);
  g_object_set_data_full (G_OBJECT (job), "text", g_strdup (turn->trace->text), g_free);
  if (SD_IS_PAGE_HOST (root))
    sd_page_host_run_job (GTK_WIDGET (self), job, retrained_cb, g_object_ref (self));
  else
    sd_job_run_async (job, retrained_cb, g_object_ref (self));
  return TRUE;
}

static void
teach_clicked_cb (GtkButton  *button,
                  Correction *c)
{
  SdChatbotPage *self = c->page;
  g_autoptr(GError) error = NULL;
  GtkStringObject *item = gtk_drop_down_get_selected_item (c->intents);
  const char *intent = item ? gtk_string_object_get_string (item) : NULL;

  gtk_popover_popdown (c->popover);
  if (intent != NULL && !sd_chatbot_page_correct (self, c->turn, intent, &error))
    sd_chatbot_page_toast (self, error ? error->message : _("Could not store the correction"));
}

void
sd_chatbot_page_train_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  g_autoptr(SdJob) job = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->store == NULL)
    return;
  job = sd_dialogue_train_job_new (sd_store_get_path (self->store));
  sd_job_set_ask_before_quit (job, TRUE);
  if (SD_IS_PAGE_HOST (root))
    sd_page_host_run_job (GTK_WIDGET (self), job, retrained_cb, g_object_ref (self));
  else
    sd_job_run_async (job, retrained_cb, g_object_ref (self));
}

void
sd_chatbot_page_correct_clicked_cb (GtkButton     *button,
                                    SdChatbotPage *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "turn"));
  Turn *turn = g_ptr_array_index (self->turns, index);
  g_auto(GStrv) intents = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *popover, *box, *drop, *teach, *label;
  Correction *c;

  if (!(intents = sd_chat_corpus_list_intents (self->store, &error)))
    {
      sd_chatbot_page_toast (self, error->message);
      return;
    }
  popover = gtk_popover_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  label = gtk_label_new (_("The right intent for this message:"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  drop = gtk_drop_down_new_from_strings ((const char * const *) intents);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (drop), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Right intent"), -1);
  for (guint i = 0; intents[i]; i++)
    if (turn->trace->n_top > 1 && g_strcmp0 (intents[i], turn->trace->top[1].intent) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (drop), i);
  teach = gtk_button_new_with_mnemonic (_("_Teach and Retrain"));
  gtk_widget_add_css_class (teach, "suggested-action");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), drop);
  gtk_box_append (GTK_BOX (box), teach);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_widget_set_parent (popover, GTK_WIDGET (button));
  g_signal_connect (popover, "closed", G_CALLBACK (gtk_widget_unparent), NULL);

  c = g_new0 (Correction, 1);
  c->page = self;
  c->turn = index;
  c->intents = GTK_DROP_DOWN (drop);
  c->popover = GTK_POPOVER (popover);
  g_object_set_data_full (G_OBJECT (popover), "correction", c, correction_free);
  g_signal_connect (teach, "clicked", G_CALLBACK (teach_clicked_cb), c);
  gtk_popover_popup (GTK_POPOVER (popover));
}

/* ---------------------------------------------------------------- test cases */

static void
save_test_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       SdChatbotPage    *self)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  GtkEditable *entry = GTK_EDITABLE (gtk_widget_get_first_child (box));
  GtkCheckButton *facts = GTK_CHECK_BUTTON (gtk_widget_get_last_child (box));
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *name = gtk_editable_get_text (entry);

  if (g_strcmp0 (response, "save") != 0 || self->session == NULL)
    return;
  json = sd_chat_session_to_json_full (self->session, gtk_check_button_get_active (facts));
  if (sd_chat_corpus_save_test (self->store, *name ? name : _("Conversation"), sd_chatbot_page_current_customer (self),
                                sd_chat_session_get_lang (self->session), json, &error) == 0)
    sd_chatbot_page_toast (self, error->message);
  else
    sd_chatbot_page_toast (self, _("Saved as a test case"));
}

void
sd_chatbot_page_save_test_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  GtkWidget *dialog, *entry, *box, *facts;
  Turn *first;

  if (self->turns->len == 0)
    return;
  first = g_ptr_array_index (self->turns, 0);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Save as Test Case"),
                                   _("Saved conversations can be played again after the chatbot changes, to see which answers differ."));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), first->user);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Test case name"), -1);
  /* generated replies are worded differently each time: such a test checks the facts */
  facts = gtk_check_button_new_with_mnemonic (_("Check the _facts of each answer, not its wording"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (facts), g_strcmp0 (self->reply_mode, "template") != 0);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), facts);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_signal_connect (dialog, "response", G_CALLBACK (save_test_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct {
  Worker  *worker;
  GString *report;
  guint    passed;
  guint    failed;
} TestsWork;

static void
tests_work_free (TestsWork *w)
{
  sd_chatbot_page_worker_unref (w->worker);
  g_string_free (w->report, TRUE);
  g_free (w);
}

static void
tests_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  TestsWork *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tests = sd_chat_corpus_load_tests (w->worker->store, &error);

  if (tests == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < tests->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      SdChatTest *test = g_ptr_array_index (tests, i);
      g_autoptr(GError) local = NULL;
      g_autoptr(GPtrArray) diffs = sd_dialogue_replay (w->worker->dialogue, test->customer_id, test->lang,
                                                       test->transcript, &local);
      if (diffs == NULL)
        {
          w->failed++;
          g_string_append_printf (w->report, "✗ %s: %s\n", test->name, local->message);
        }
      else if (diffs->len == 0)
        {
          w->passed++;
          g_string_append_printf (w->report, "✓ %s\n", test->name);
        }
      else
        {
          w->failed++;
          g_string_append_printf (w->report, "✗ %s\n", test->name);
          for (guint d = 0; d < diffs->len; d++)
            {
              SdChatTestDiff *diff = g_ptr_array_index (diffs, d);
              g_string_append_printf (w->report, _("   turn %u, “%s”: now %s (was %s)\n"), diff->turn + 1, diff->user,
                                      diff->actual_intent ? diff->actual_intent : "—",
                                      diff->expected_intent ? diff->expected_intent : "—");
            }
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
tests_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (object);
  TestsWork *w = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  sd_chatbot_page_set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      sd_chatbot_page_toast (self, error->message);
      return;
    }
  if (w->passed + w->failed == 0)
    {
      sd_chatbot_page_toast (self, _("No test cases yet: save a conversation as a test case first"));
      return;
    }
  heading = w->failed == 0 ? g_strdup_printf (ngettext ("The Test Case Passes", "All %u Test Cases Pass", w->passed), w->passed)
                           : g_strdup_printf (ngettext ("%u Test Case Differs", "%u Test Cases Differ", w->failed), w->failed);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, w->report->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
sd_chatbot_page_run_tests_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  TestsWork *w;

  if (self->busy || self->worker == NULL)
    return;
  w = g_new0 (TestsWork, 1);
  w->worker = sd_chatbot_page_worker_ref (self->worker);
  w->report = g_string_new (NULL);
  sd_chatbot_page_run_on_worker (self, tests_thread, w, (GDestroyNotify) tests_work_free, tests_done_cb);
}

/* ---------------------------------------------------------------- export */

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    SdChatbotPage   *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint i = gtk_drop_down_get_selected (self->customer_drop);
  const SdCustomerEntry *who = self->customers && i < self->customers->len ? g_ptr_array_index (self->customers, i) : NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    {
      g_string_append_printf (text, _("Shopdesk chatbot conversation with %s\n\n"),
                              who && who->id ? who->name : _("an anonymous visitor"));
      for (guint t = 0; t < self->turns->len; t++)
        {
          Turn *turn = g_ptr_array_index (self->turns, t);
          g_string_append_printf (text, _("Customer: %s\n"), turn->trace->text);
          g_string_append_printf (text, _("Chatbot: %s\n"), turn->trace->reply);
          g_string_append_printf (text, _("  (intent %s, %.0f %%, %s)\n\n"),
                                  turn->trace->intent ? turn->trace->intent : "—",
                                  turn->trace->confidence * 100, sd_turn_action_to_string (turn->trace->action));
        }
      if (!g_file_replace_contents (file, text->str, text->len, NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error))
        sd_chatbot_page_toast (self, error->message);
      else
        sd_chatbot_page_toast (self, _("Transcript exported"));
    }
  g_object_unref (chooser);
}

void
sd_chatbot_page_export_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export Transcript"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "conversation.txt");
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
