/* sd-chatbot-page-private.h — what the files of the Chatbot page share
 *
 * SdChatbotPage is split across files by job (sd-chatbot-page.c holds the type, the
 * worker, getting ready and the reply modes); this header is theirs alone.
 */
#pragma once

#include <adwaita.h>

#include "sd-chatbot-page.h"
#include "sd-dialogue.h"
#include "sd-llm-reply.h"

G_BEGIN_DECLS

typedef struct {
  SdStore    *store;       /* the worker's own connection */
  SdDialogue *dialogue;
  SdLlmShopContext *llm_shop;  /* tone, identity setting, catalogue titles; read on the main thread */
} Worker;

typedef enum {
  GEN_NONE,       /* template only */
  GEN_PENDING,    /* waits for the turns before it */
  GEN_RUNNING,
  GEN_DONE,       /* trace->generation says how it went */
} GenState;

typedef struct {
  char          *user;
  SdTurnTrace   *trace;
  gboolean       after_retraining;
  GenState       gen;
  GString       *streamed;    /* the model's text so far */
  GtkLabel      *gen_label;   /* where it streams to, while the row is shown */
  GtkLabel      *gen_note;
} Turn;

typedef struct {
  Worker        *worker;
  SdChatSession *session;    /* the page's, used by one task at a time */
  GPtrArray     *messages;   /* char *: sent one after another */
  GPtrArray     *traces;     /* SdTurnTrace *, filled by the thread */
  gboolean       reload;     /* drop the dialogue's caches first (after retraining) */
} RespondWork;

struct _SdChatbotPage
{
  GtkWidget        parent_instance;

  GtkDropDown     *customer_drop;
  GtkDropDown     *lang_drop;
  GtkStack        *conversation_stack;
  AdwStatusPage   *loading_page;
  GtkSpinner      *loading_spinner;
  GtkFlowBox      *suggestions;
  GtkScrolledWindow *messages_scroller;
  GtkListBox      *messages;
  GtkEntry        *message_entry;
  GtkSpinner      *thinking_spinner;
  GtkButton       *send_button;
  GtkStack        *inspector_stack;
  GtkBox          *inspector;
  GtkRevealer     *llm_status_revealer;
  GtkLabel        *llm_status;
  GtkButton       *stop_button;

  GSettings       *settings;       /* NULL without the installed schema: no language model */
  char            *reply_mode;     /* "template", "generated", "side-by-side" */
  GCancellable    *gen_cancellable;
  gboolean         generating;

  SdStore         *store;
  Worker          *worker;
  GCancellable    *cancellable;
  GPtrArray       *customers;   /* SdCustomerEntry *: index 0 is the anonymous visitor */
  SdChatSession   *session;
  GPtrArray       *turns;       /* Turn * */
  gboolean         busy;

  GQueue          *script;        /* char *: scripted customer messages still to send */
  guint            script_source;
  guint            ready_source;   /* getting ready later, while another page is shown */
};

/* sd-chatbot-page-bubbles.c */
void sd_chatbot_page_append_turn_rows (SdChatbotPage *self, guint index);
void sd_chatbot_page_respond_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable);
void sd_chatbot_page_respond_work_free (RespondWork *w);
gboolean sd_chatbot_page_scroll_to_end (gpointer data);
void sd_chatbot_page_update_generation_bubble (Turn *turn, gboolean side_by_side);

/* sd-chatbot-page-corrections.c */
void sd_chatbot_page_correct_clicked_cb (GtkButton *button, SdChatbotPage *self);
void sd_chatbot_page_export_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_chatbot_page_run_tests_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_chatbot_page_save_test_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_chatbot_page_train_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

/* sd-chatbot-page-inspector.c */
const char *sd_chatbot_page_action_label (const SdTurnTrace *t);
GtkWidget *sd_chatbot_page_heading (const char *text);
void sd_chatbot_page_show_turn (SdChatbotPage *self, guint index);
void sd_chatbot_page_turn_selected_cb (SdChatbotPage *self, GtkListBoxRow *row);

/* sd-chatbot-page-llm.c */
void sd_chatbot_page_new_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_chatbot_page_new_conversation (SdChatbotPage *self);
void sd_chatbot_page_play_script_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_chatbot_page_replay_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_chatbot_page_respond (SdChatbotPage *self, GPtrArray *messages, gboolean reload);
void sd_chatbot_page_selection_changed_cb (SdChatbotPage *self);
void sd_chatbot_page_send_cb (SdChatbotPage *self);
void sd_chatbot_page_set_generating (SdChatbotPage *self, gboolean generating);
void sd_chatbot_page_stop_generating_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_chatbot_page_suggestion_clicked_cb (GtkButton *button, SdChatbotPage *self);
void sd_chatbot_page_update_llm_status (SdChatbotPage *self);

/* sd-chatbot-page.c */
gint64 sd_chatbot_page_current_customer (SdChatbotPage *self);
const char *sd_chatbot_page_current_lang (SdChatbotPage *self);
void sd_chatbot_page_run_on_worker (SdChatbotPage *self, GTaskThreadFunc func, gpointer data, GDestroyNotify destroy, GAsyncReadyCallback done);
void sd_chatbot_page_set_busy (SdChatbotPage *self, gboolean busy);
void sd_chatbot_page_toast (SdChatbotPage *self, const char *message);
void sd_chatbot_page_turn_free (Turn *t);
Worker *sd_chatbot_page_worker_ref (Worker *w);
void sd_chatbot_page_worker_unref (Worker *w);

G_END_DECLS
