/* test-chatbot-page.c — the Chatbot page: a conversation as a demo-shop customer, the
 * inspector, a correction that retrains, in both languages */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "sd-application.h"
#include "sd-chatbot-page.h"
#include "sd-demo.h"
#include "sd-llm-client.h"
#include "sd-window.h"
#include "llm-test-server.h"
#include "ui-demo-window.h"
#include "ui-test-util.h"

static SdWindow *window;

static SdChatbotPage *
page (void)
{
  return SD_CHATBOT_PAGE (sd_window_get_page (window, "chatbot"));
}

static void
say (const char *message)
{
  guint before = sd_chatbot_page_get_n_turns (page ());

  UI_WAIT_UNTIL (!sd_chatbot_page_get_busy (page ()), 120);
  g_assert_true (sd_chatbot_page_send (page (), message));
  UI_WAIT_UNTIL (sd_chatbot_page_get_n_turns (page ()) == before + 1 && !sd_chatbot_page_get_busy (page ()), 60);
  g_test_message ("“%s” → %s: %s", message, sd_chatbot_page_get_last_intent (page ()),
                  sd_chatbot_page_get_last_reply (page ()));
}

static void
test_conversation (void)
{
  sd_window_show_page (window, "chatbot");
  UI_WAIT_UNTIL (!sd_chatbot_page_get_busy (page ()), 180);

  say ("hello");
  g_assert_cmpstr (sd_chatbot_page_get_last_intent (page ()), ==, "greeting");
  say ("where is my order?");
  g_assert_cmpstr (sd_chatbot_page_get_last_intent (page ()), ==, "order_status");
  /* The form asks for the order number rather than guessing. */
  g_assert_nonnull (sd_chatbot_page_get_last_reply (page ()));
  say ("我想退货");
  g_assert_cmpstr (sd_chatbot_page_get_last_intent (page ()), ==, "return_refund");
  /* Hostile input gets an answer, not a crash. */
  say ("'; DROP TABLE orders; -- \x01\x02");
  g_assert_nonnull (sd_chatbot_page_get_last_reply (page ()));
  g_assert_cmpuint (sd_chatbot_page_get_n_turns (page ()), ==, 4);

  {
    GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (page ()), SD_TYPE_CHATBOT_PAGE,
                                                                "conversation_stack"));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "chat");
  }
  /* A press on an earlier bot bubble selects that turn (its text is selectable, which used
   * to keep the click from the row). */
  {
    GtkListBox *messages = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (page ()), SD_TYPE_CHATBOT_PAGE,
                                                                        "messages"));
    GtkListBoxRow *first_bot = gtk_list_box_get_row_at_index (messages, 1);
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (first_bot));
    GtkGesture *click = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && click == NULL; i++)
      {
        g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
        if (GTK_IS_GESTURE_CLICK (c))
          click = GTK_GESTURE (c);
      }
    g_assert_nonnull (click);
    g_assert_false (gtk_list_box_row_is_selected (first_bot));
    g_signal_emit_by_name (click, "pressed", 1, 10.0, 10.0);
    g_assert_true (gtk_list_box_row_is_selected (first_bot));
  }
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  ui_test_save_screenshot (GTK_WIDGET (window), "page-chatbot");
}

/* A message the chatbot gets wrong becomes a training example; after retraining in the
 * background it is asked again and answered as corrected. */
static void
test_correct_this (void)
{
  g_autoptr(GError) error = NULL;
  guint turns;

  say ("zorblax frobnicate quux");
  g_assert_cmpstr (sd_chatbot_page_get_last_intent (page ()), !=, "track_package");
  turns = sd_chatbot_page_get_n_turns (page ());
  g_assert_true (sd_chatbot_page_correct (page (), turns - 1, "track_package", &error));
  g_assert_no_error (error);
  UI_WAIT_UNTIL (sd_chatbot_page_get_n_turns (page ()) == turns + 1 && !sd_chatbot_page_get_busy (page ()), 240);
  g_test_message ("after retraining: %s", sd_chatbot_page_get_last_intent (page ()));
  g_assert_cmpstr (sd_chatbot_page_get_last_intent (page ()), ==, "track_package");
  /* And it stays learnt in a new conversation. */
  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.new", NULL);
  say ("zorblax frobnicate quux");
  g_assert_cmpstr (sd_chatbot_page_get_last_intent (page ()), ==, "track_package");
}

/* The last turn's generation once the language model is done with it. */
static const SdTurnGeneration *
generated (void)
{
  guint n = sd_chatbot_page_get_n_turns (page ());

  UI_WAIT_UNTIL (!sd_chatbot_page_get_generating (page ()) &&
                 sd_chatbot_page_get_trace (page (), n - 1)->generation != NULL, 60);
  return sd_chatbot_page_get_trace (page (), n - 1)->generation;
}

/* Whether a label in @widget or below it says @text, or (@prefix) starts with it. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text,
            gboolean    prefix)
{
  if (GTK_IS_LABEL (widget) &&
      (prefix ? g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), text)
              : g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (shows_text (c, text, prefix))
      return TRUE;
  return FALSE;
}

static gboolean
shows_prefix (GtkWidget  *widget,
              const char *prefix)
{
  return shows_text (widget, prefix, TRUE);
}

static gboolean
last_row_shows (const char *text)
{
  GtkWidget *messages = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page ()), SD_TYPE_CHATBOT_PAGE, "messages"));
  GtkWidget *last = gtk_widget_get_last_child (messages);

  return last && shows_text (last, text, FALSE);
}

static char *
no_key (const char *endpoint,
        gpointer    data,
        GError    **error)
{
  return NULL;
}

/* The reply style is a shop setting, written by the chatbot's worker. */
static void
test_reply_style (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *dialog = NULL;
  g_autofree char *tone = NULL;
  g_autofree char *share = NULL;
  GtkWidget *box;

  sd_window_show_page (window, "chatbot");
  UI_WAIT_UNTIL (!sd_chatbot_page_get_busy (page ()), 120);
  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.reply-style", NULL);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GtkWindow) win = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (win))
        dialog = ADW_MESSAGE_DIALOG (win);
    }
  g_assert_nonnull (dialog);
  box = adw_message_dialog_get_extra_child (dialog);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_first_child (box)), "formal and short");
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (gtk_widget_get_last_child (box))));
  adw_message_dialog_response (dialog, "save");
  UI_WAIT_UNTIL (!sd_chatbot_page_get_busy (page ()), 60);
  tone = sd_store_get_setting (sd_chatbot_page_get_store (page ()), "chat.tone");
  share = sd_store_get_setting (sd_chatbot_page_get_store (page ()), "chat.llm.share_identity");
  g_assert_cmpstr (tone, ==, "formal and short");
  g_assert_cmpstr (share, ==, "0");
}

/* Generated and side-by-side replies from a scripted server on loopback: a faithful reply
 * is streamed in and sent; an invented price is rejected and the template reply stays; a
 * server that stalls can be stopped, and one that is gone costs nothing but the generated
 * text. The conversation goes on throughout. */
static void
test_generated (void)
{
  TestServer *server = test_server_start ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const SdTurnGeneration *g;
  g_autofree char *template_reply = NULL;

  /* no key, and no keyring asked for one */
  sd_llm_key_set_source (no_key, NULL, NULL);
  sd_window_show_page (window, "chatbot");
  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.new", NULL);
  UI_WAIT_UNTIL (!sd_chatbot_page_get_busy (page ()), 120);
  g_settings_set_string (settings, "llm-url", server->url);
  g_settings_set_boolean (settings, "llm-enabled", TRUE);
  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.reply-mode", "s", "generated");
  g_assert_cmpstr (sd_chatbot_page_get_reply_mode (page ()), ==, "generated");

  test_server_set (server, SCRIPT_ECHO_DRAFT, NULL);
  say ("hello");
  g = generated ();
  g_test_message ("generated: %s (%s)", g->text, g->status);
  g_assert_true (g->used);
  g_assert_cmpuint (g->tokens, >, 1);
  g_assert_cmpstr (sd_chatbot_page_get_last_reply (page ()), ==, g->text);
  /* the customer's name was a placeholder on the way out, and is back in the reply */
  g_assert_null (strstr (g->text, "[name"));
  /* the shop's tone went with the prompt */
  g_assert_nonnull (strstr (server->bodies->pdata[0], "formal and short"));

  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.reply-mode", "s", "side-by-side");
  test_server_set (server, SCRIPT_INVENT_PRICE, NULL);
  say ("where is my order?");
  g = generated ();
  g_assert_false (g->used);
  g_assert_cmpstr (g->rejected_reason, ==, "invented_number");
  g_assert_cmpstr (sd_chatbot_page_get_last_reply (page ()), ==, g->template_reply);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  ui_test_save_screenshot (GTK_WIDGET (window), "page-chatbot-side-by-side");

  /* a stalled stream: what came in shows in the bubble at once, the window answers, the
   * stop button ends it, the template stays */
  test_server_set (server, SCRIPT_STALL, "Your order");
  say ("any coupons for me?");
  UI_WAIT_UNTIL (sd_chatbot_page_get_generating (page ()), 30);
  UI_WAIT_UNTIL (last_row_shows ("Your o"), 30);
  template_reply = g_strdup (sd_chatbot_page_get_last_reply (page ()));
  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.stop-generating", NULL);
  g = generated ();
  g_assert_cmpstr (g->status, ==, "cancelled");
  g_assert_cmpstr (sd_chatbot_page_get_last_reply (page ()), ==, template_reply);

  /* the server is gone: template replies, and the conversation goes on */
  test_server_stop (server);
  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.reply-mode", "s", "generated");
  say ("can you recommend something?");
  g = generated ();
  g_assert_cmpstr (g->status, ==, "unreachable");
  g_assert_false (g->used);
  g_assert_cmpuint (sd_chatbot_page_get_n_turns (page ()), ==, 4);

  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.reply-mode", "s", "template");
  g_settings_set_boolean (settings, "llm-enabled", FALSE);
}

/* While "Which one do you mean?" waits, the inspector shows what is offered to pick from,
 * not the word typed before as the product remembered; after the pick, the product. */
static void
test_which_one_waits (void)
{
  GtkWidget *inspector;

  sd_window_show_page (window, "chatbot");
  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.new", NULL);
  UI_WAIT_UNTIL (!sd_chatbot_page_get_busy (page ()), 120);
  inspector = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page ()), SD_TYPE_CHATBOT_PAGE, "inspector"));
  say ("how much is the lamp?");
  g_assert_true (shows_prefix (inspector, "Waiting for a pick of "));
  g_assert_true (shows_prefix (inspector, "1. "));
  /* a number past the list: the list again, and "lamp" (in the message before, not this
   * one) is no product remembered */
  say ("5");
  g_assert_true (shows_prefix (inspector, "Waiting for a pick of "));
  g_assert_false (shows_prefix (inspector, "Product: lamp"));
  say ("2");
  g_assert_false (shows_prefix (inspector, "Waiting for a pick"));
  g_assert_true (shows_prefix (inspector, "Product: "));
}

/* shopdesk --chat-script: the window's win.chat-script sends a file's lines one after
 * another through the message entry, blank lines skipped; a missing file sends nothing. */
static void
test_chat_script (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-chat-script-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "script.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.txt", NULL);
  guint before;

  g_assert_true (g_file_set_contents (path, "这款台灯是什么材质的？\n\n  我要转人工  \n", -1, NULL));
  sd_window_show_page (window, "overview");
  UI_WAIT_UNTIL (!sd_chatbot_page_get_busy (page ()), 180);
  before = sd_chatbot_page_get_n_turns (page ());

  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.chat-script", g_variant_new_bytestring (missing));
  ui_test_spin (600);
  g_assert_cmpuint (sd_chatbot_page_get_n_turns (page ()), ==, before);
  sd_window_show_page (window, "overview");

  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.chat-script", g_variant_new_bytestring (path));
  g_assert_cmpstr (sd_window_get_visible_page (window), ==, "chatbot");
  UI_WAIT_UNTIL (sd_chatbot_page_get_n_turns (page ()) == before + 2 && !sd_chatbot_page_get_busy (page ()), 120);
  g_assert_cmpstr (sd_chatbot_page_get_last_intent (page ()), ==, "talk_to_human");
  ui_test_spin (600);
  g_assert_cmpuint (sd_chatbot_page_get_n_turns (page ()), ==, before + 2);
  g_unlink (path);
  g_rmdir (dir);
}

/* shopdesk --chat-script FILE on a start: the script comes before the Chatbot page has
 * ever been shown (it gets its chatbot ready only then) and is played once it is ready. */
static void
test_chat_script_first (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-chat-script-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "script.txt", NULL);

  g_assert_true (g_file_set_contents (path, "我要转人工\n", -1, NULL));
  g_assert_cmpstr (sd_window_get_visible_page (window), !=, "chatbot");
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.chat-script", g_variant_new_bytestring (path));
  g_assert_cmpstr (sd_window_get_visible_page (window), ==, "chatbot");
  UI_WAIT_UNTIL (sd_chatbot_page_get_n_turns (page ()) == 1 && !sd_chatbot_page_get_busy (page ()), 180);
  g_assert_cmpstr (sd_chatbot_page_get_last_intent (page ()), ==, "talk_to_human");
  /* the other tests start on a new conversation */
  gtk_widget_activate_action (GTK_WIDGET (page ()), "chat.new", NULL);
  g_assert_cmpuint (sd_chatbot_page_get_n_turns (page ()), ==, 0);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  UiDemoWindow t = { NULL };
  int status;

  ui_demo_window_open (&t, &argc, &argv, "small", 1280, 800);
  /* Transitions need frames the test does not wait for; without them a screenshot shows
   * what is really there. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  window = t.window;

  /* first: before the page has been shown */
  g_test_add_func ("/chatbot-page/chat-script-first", test_chat_script_first);
  g_test_add_func ("/chatbot-page/conversation", test_conversation);
  g_test_add_func ("/chatbot-page/correct-this", test_correct_this);
  g_test_add_func ("/chatbot-page/reply-style", test_reply_style);
  g_test_add_func ("/chatbot-page/generated", test_generated);
  g_test_add_func ("/chatbot-page/chat-script", test_chat_script);
  g_test_add_func ("/chatbot-page/which-one-waits", test_which_one_waits);
  status = g_test_run ();

  ui_demo_window_close (&t);
  return status;
}
