/* test-chatbot-page.c — the Chatbot page: a conversation as a demo-shop customer, the
 * inspector, a correction that retrains, in both languages */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "sd-application.h"
#include "sd-chatbot-page.h"
#include "sd-demo.h"
#include "sd-window.h"
#include "ui-test-util.h"

static char *tmp_dir;
static char *shop_path;
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

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdApplication) app = NULL;
  g_autoptr(SdStore) store = NULL;
  SdDemoOptions options;
  int status;

  tmp_dir = g_dir_make_tmp ("shopdesk-chat-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Transitions need frames the test does not wait for; without them a screenshot shows
   * what is really there. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  shop_path = g_build_filename (tmp_dir, "demo.sqlite", NULL);
  store = sd_store_open (shop_path, &error);
  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  window = sd_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_assert_true (sd_window_open_shop (window, shop_path));
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  g_test_add_func ("/chatbot-page/conversation", test_conversation);
  g_test_add_func ("/chatbot-page/correct-this", test_correct_this);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  return status;
}
