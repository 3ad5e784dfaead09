/* sd-chatbot-page-bubbles.c — the Chatbot page's conversation: a bubble for each message, and
 * the turns kept with their traces */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-chatbot-page-private.h"
#include "sd-intent-names.h"

/* ---------------------------------------------------------------- bubbles */

static GtkWidget *
bubble_full (const char  *text,
             gboolean     from_user,
             const char  *note,
             GtkLabel   **out_label,
             GtkLabel   **out_note)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, from_user ? "sd-bubble-user" : "sd-bubble-bot");
  gtk_widget_set_halign (box, from_user ? GTK_ALIGN_END : GTK_ALIGN_START);
  if (note)
    {
      GtkWidget *n = gtk_label_new (note);
      gtk_label_set_xalign (GTK_LABEL (n), from_user ? 1 : 0);
      gtk_widget_add_css_class (n, "caption");
      gtk_widget_add_css_class (n, "dim-label");
      gtk_box_append (GTK_BOX (box), n);
      if (out_note)
        *out_note = GTK_LABEL (n);
    }
  gtk_box_append (GTK_BOX (box), label);
  if (out_label)
    *out_label = GTK_LABEL (label);
  return box;
}

static GtkWidget *
bubble (const char *text,
        gboolean    from_user,
        const char *note)
{
  return bubble_full (text, from_user, note, NULL, NULL);
}

/* The template's reply of a turn, whatever was sent. */
static const char *
template_reply (const Turn *turn)
{
  const SdTurnGeneration *g = turn->trace->generation;
  return g && g->template_reply ? g->template_reply : turn->trace->reply;
}

/* What the generated bubble's caption says. */
static char *
generation_note (const Turn *turn,
                 gboolean    side_by_side)
{
  const SdTurnGeneration *g = turn->trace->generation;

  if (turn->gen == GEN_PENDING)
    return g_strdup (_("Waiting for the language model…"));
  if (turn->gen == GEN_RUNNING)
    return g_strdup (_("The language model is writing…"));
  if (g == NULL)
    return NULL;
  if (g->used)
    return g_strdup_printf (_("Generated · passed the guardrails · %.1f s"), g->latency_ms / 1000.0);
  if (side_by_side && g_strcmp0 (g->status, "ok") == 0)
    /* Translators: the guardrail that rejected a generated reply follows */
    return g_strdup_printf (_("Rejected: %s"), g->rejected_detail ? g->rejected_detail : g->rejected_reason);
  return g_strdup (sd_llm_reply_status_text (g));
}

/* The generated bubble's text: what has streamed in, or the reply the turn settled on. */
static const char *
generation_text (const Turn *turn,
                 gboolean    side_by_side)
{
  const SdTurnGeneration *g = turn->trace->generation;

  if (turn->gen == GEN_PENDING || turn->gen == GEN_RUNNING)
    {
      const char *text = turn->streamed && turn->streamed->len ? turn->streamed->str : "…";
      /* a reasoning model thinks first: the bubble waits for the answer */
      if (g_str_has_prefix (text, "<think>"))
        {
          const char *end = strstr (text, "</think>");
          text = end && end[strlen ("</think>")] ? end + strlen ("</think>") : "…";
          while (g_ascii_isspace (*text))
            text++;
        }
      return *text ? text : "…";
    }
  if (side_by_side)
    return g && g->text && *g->text ? g->text : "—";
  return turn->trace->reply;
}

void
sd_chatbot_page_update_generation_bubble (Turn    *turn,
                                          gboolean side_by_side)
{
  g_autofree char *note = generation_note (turn, side_by_side);
  const SdTurnGeneration *g = turn->trace->generation;

  if (turn->gen_label)
    {
      gtk_label_set_text (turn->gen_label, generation_text (turn, side_by_side));
      /* a rejected text is shown for the demo, struck through: it was never sent */
      if (side_by_side && g && !g->used && g->text)
        {
          g_autofree char *escaped = g_markup_escape_text (g->text, -1);
          g_autofree char *markup = g_strdup_printf ("<s>%s</s>", escaped);
          gtk_label_set_markup (turn->gen_label, markup);
        }
    }
  if (turn->gen_note)
    gtk_label_set_text (turn->gen_note, note ? note : "");
}

/* A press on a bot bubble selects its turn for the inspector. The bubble's text is
 * selectable (for copying), and a selectable label keeps clicks to itself: the gesture
 * runs in the capture phase, before it, and does not claim the press. */
static void
bubble_pressed_cb (GtkGestureClick *click,
                   int              n_press,
                   double           x,
                   double           y,
                   GtkListBoxRow   *row)
{
  GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (row));

  if (GTK_IS_LIST_BOX (list) && !gtk_list_box_row_is_selected (row))
    gtk_list_box_select_row (GTK_LIST_BOX (list), row);
}

void
sd_chatbot_page_append_turn_rows (SdChatbotPage *self,
                                  guint          index)
{
  Turn *turn = g_ptr_array_index (self->turns, index);
  GtkWidget *user_row = gtk_list_box_row_new ();
  GtkWidget *bot_row = gtk_list_box_row_new ();
  g_autofree char *note = NULL;
  GtkListBoxRow *row;

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (user_row),
                              bubble (turn->trace->text, TRUE,
                                      turn->after_retraining ? _("Asked again after retraining") : NULL));
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (user_row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (user_row), FALSE);
  gtk_widget_add_css_class (user_row, "sd-chat-row");

  /* an intent taken from the product or order number named has no probability of its
   * own worth showing ("2 %" beside a right answer) */
  note = turn->trace->intent && turn->trace->from_entities
         ? g_strdup (sd_intent_title (turn->trace->intent))
         : turn->trace->intent && (turn->trace->action == SD_TURN_ANSWER || turn->trace->action == SD_TURN_ASK ||
                                   turn->trace->action == SD_TURN_REFUSE)
         ? g_strdup_printf ("%s · %.0f %%", sd_intent_title (turn->trace->intent), turn->trace->confidence * 100)
         : g_strdup (sd_chatbot_page_action_label (turn->trace));
  turn->gen_label = NULL;
  turn->gen_note = NULL;
  if (turn->gen == GEN_NONE || g_strcmp0 (self->reply_mode, "template") == 0)
    gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (bot_row), bubble (template_reply (turn), FALSE, note));
  else if (g_strcmp0 (self->reply_mode, "generated") == 0)
    {
      GtkWidget *box = bubble_full (generation_text (turn, FALSE), FALSE, note, &turn->gen_label, NULL);
      GtkWidget *status = gtk_label_new (NULL);

      /* under the bubble: whether the model's reply was sent, or why the template's was */
      gtk_label_set_xalign (GTK_LABEL (status), 0);
      gtk_label_set_wrap (GTK_LABEL (status), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (status), 48);
      gtk_widget_add_css_class (status, "caption");
      gtk_widget_add_css_class (status, "dim-label");
      gtk_box_append (GTK_BOX (box), status);
      turn->gen_note = GTK_LABEL (status);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (bot_row), box);
      sd_chatbot_page_update_generation_bubble (turn, FALSE);
    }
  else
    {
      GtkWidget *pair = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      g_autofree char *template_note = g_strdup_printf (_("Template · %s"), note);
      g_autofree char *gen_note = generation_note (turn, TRUE);
      GtkWidget *left = bubble (template_reply (turn), FALSE, template_note);
      GtkWidget *right = bubble_full (generation_text (turn, TRUE), FALSE, gen_note ? gen_note : "",
                                      &turn->gen_label, &turn->gen_note);

      gtk_label_set_max_width_chars (GTK_LABEL (gtk_widget_get_last_child (left)), 30);
      gtk_label_set_max_width_chars (turn->gen_label, 30);
      gtk_label_set_wrap (turn->gen_note, TRUE);
      gtk_label_set_max_width_chars (turn->gen_note, 30);
      gtk_widget_set_valign (left, GTK_ALIGN_START);
      gtk_widget_set_valign (right, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (pair), left);
      gtk_box_append (GTK_BOX (pair), right);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (bot_row), pair);
      sd_chatbot_page_update_generation_bubble (turn, TRUE);
    }
  g_object_set_data (G_OBJECT (bot_row), "turn", GUINT_TO_POINTER (index));
  gtk_widget_add_css_class (bot_row, "sd-chat-row");
  gtk_widget_set_tooltip_text (bot_row, _("Show what the chatbot understood"));
  {
    GtkGesture *click = gtk_gesture_click_new ();
    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
    g_signal_connect_object (click, "pressed", G_CALLBACK (bubble_pressed_cb), bot_row, 0);
    gtk_widget_add_controller (bot_row, GTK_EVENT_CONTROLLER (click));
  }

  gtk_list_box_append (self->messages, user_row);
  gtk_list_box_append (self->messages, bot_row);
  gtk_stack_set_visible_child_name (self->conversation_stack, "chat");
  row = GTK_LIST_BOX_ROW (bot_row);
  gtk_list_box_select_row (self->messages, row);
}

gboolean
sd_chatbot_page_scroll_to_end (gpointer data)
{
  SdChatbotPage *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->messages_scroller);

  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* ---------------------------------------------------------------- turns */

void
sd_chatbot_page_respond_work_free (RespondWork *w)
{
  sd_chatbot_page_worker_unref (w->worker);
  g_ptr_array_unref (w->messages);
  g_ptr_array_unref (w->traces);
  g_free (w);
}

void
sd_chatbot_page_respond_thread (GTask        *task,
                                gpointer      source,
                                gpointer      data,
                                GCancellable *cancellable)
{
  RespondWork *w = data;

  if (w->reload)
    sd_dialogue_reload (w->worker->dialogue);
  for (guint i = 0; i < w->messages->len && !g_cancellable_is_cancelled (cancellable); i++)
    g_ptr_array_add (w->traces, sd_dialogue_respond (w->worker->dialogue, w->session,
                                                     g_ptr_array_index (w->messages, i)));
  g_task_return_boolean (task, TRUE);
}
