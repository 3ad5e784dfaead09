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
#include <string.h>

#include "sd-chat-corpus.h"
#include "sd-chatbot-page.h"
#include "sd-customer-list.h"
#include "sd-dialogue.h"
#include "sd-format.h"
#include "sd-intent-names.h"
#include "sd-llm-reply.h"
#include "sd-page-host.h"
#include "sd-list-rows.h"

#define N_CUSTOMERS 300

/* ---------------------------------------------------------------- the worker */

typedef struct {
  SdStore    *store;       /* the worker's own connection */
  SdDialogue *dialogue;
  SdLlmShopContext *llm_shop;  /* tone, identity setting, catalogue titles; read on the main thread */
} Worker;

static void
worker_clear (gpointer data)
{
  Worker *w = data;

  g_clear_pointer (&w->llm_shop, sd_llm_shop_context_free);
  g_clear_object (&w->dialogue);
  g_clear_object (&w->store);
}

static Worker *
worker_ref (Worker *w)
{
  return g_atomic_rc_box_acquire (w);
}

static void
worker_unref (Worker *w)
{
  g_atomic_rc_box_release_full (w, worker_clear);
}

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

static void
turn_free (Turn *t)
{
  if (t->streamed)
    g_string_free (t->streamed, TRUE);
  g_free (t->user);
  sd_turn_trace_free (t->trace);
  g_free (t);
}

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

G_DEFINE_FINAL_TYPE (SdChatbotPage, sd_chatbot_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  PROP_REPLY_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void new_conversation (SdChatbotPage *self);

static void
toast (SdChatbotPage *self,
       const char    *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (SD_IS_PAGE_HOST (root))
    sd_page_host_toast (GTK_WIDGET (self), message);
}

static void
set_busy (SdChatbotPage *self,
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

static gint64
current_customer (SdChatbotPage *self)
{
  guint i = gtk_drop_down_get_selected (self->customer_drop);

  if (self->customers == NULL || i >= self->customers->len)
    return 0;
  return ((SdCustomerEntry *) g_ptr_array_index (self->customers, i))->id;
}

static const char *
current_lang (SdChatbotPage *self)
{
  switch (gtk_drop_down_get_selected (self->lang_drop))
    {
    case 1: return "en";
    case 2: return "zh_CN";
    default: return NULL;
    }
}

/* Runs @func in a thread with the worker; @done gets the task back on the main loop. */
static void
run_on_worker (SdChatbotPage        *self,
               GTaskThreadFunc       func,
               gpointer              data,
               GDestroyNotify        destroy,
               GAsyncReadyCallback   done)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, done, NULL);

  g_task_set_name (task, "[shopdesk] chatbot");
  g_task_set_task_data (task, data, destroy);
  set_busy (self, TRUE);
  sd_job_run_task_in_thread (task, func);
}

/* ---------------------------------------------------------------- the inspector */

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
caption (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  return label;
}

static GtkWidget *
dim (GtkWidget *widget)
{
  gtk_widget_add_css_class (widget, "dim-label");
  return widget;
}

/* A row: the label, a bar of @prob, and the percentage. */
static GtkWidget *
probability_row (const char *intent,
                 double      prob,
                 gboolean    main)
{
  const char *label_text = sd_intent_title (intent);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (label_text);
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
  g_autofree char *percent_text = g_strdup_printf ("%.0f %%", prob * 100);
  GtkWidget *percent = gtk_label_new (percent_text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_size_request (label, 140, -1);
  /* the identifier is what corrections and the corpus use */
  gtk_widget_set_tooltip_text (label, intent);
  if (main)
    gtk_widget_add_css_class (label, "title-4");
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (prob, 0, 1));
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, label_text, -1);
  gtk_widget_add_css_class (percent, "numeric");
  gtk_widget_set_size_request (percent, 44, -1);
  gtk_label_set_xalign (GTK_LABEL (percent), 1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), percent);
  return box;
}

static const char *
entity_kind_label (SdEntityKind kind)
{
  switch (kind)
    {
    case SD_ENTITY_ORDER_ID: return _("Order number");
    case SD_ENTITY_EMAIL: return _("E-mail");
    case SD_ENTITY_PHONE: return _("Phone");
    case SD_ENTITY_MONEY: return _("Amount");
    case SD_ENTITY_DATE: return _("Date");
    case SD_ENTITY_QUANTITY: return _("Quantity");
    case SD_ENTITY_PRODUCT: return _("Product");
    case SD_ENTITY_CATEGORY: return _("Category");
    default: return _("Entity");
    }
}

static const char *
sentiment_label (SdSentimentLabel label)
{
  switch (label)
    {
    case SD_SENTIMENT_NEGATIVE: return _("Negative");
    case SD_SENTIMENT_POSITIVE: return _("Positive");
    default: return _("Neutral");
    }
}

static const char *
action_label (const SdTurnTrace *t)
{
  switch (t->action)
    {
    case SD_TURN_ANSWER: return _("Answered");
    case SD_TURN_ASK: return _("Asked for what was missing");
    case SD_TURN_CLARIFY: return _("Asked which was meant");
    case SD_TURN_FALLBACK: return _("Did not understand");
    case SD_TURN_HANDOFF: return t->handoff ? _("Handed over to a person") : _("Offered a person");
    case SD_TURN_REFUSE: return _("Refused: not this customer's data");
    case SD_TURN_UNSAFE: return _("Could not use the message");
    default: return "";
    }
}

/* The message with every entity's span highlighted. Spans are byte offsets into the
 * sanitised text, which is valid UTF-8, so they can be cut as they are. */
static char *
highlight_entities (const SdTurnTrace *trace)
{
  GString *markup = g_string_new (NULL);
  gsize at = 0, len = strlen (trace->text);

  for (guint i = 0; trace->entities && i < trace->entities->len; i++)
    {
      const SdEntity *e = g_ptr_array_index (trace->entities, i);
      g_autofree char *before = NULL, *span = NULL;

      if (e->start < at || e->end > len || e->end <= e->start)
        continue;
      before = g_markup_escape_text (trace->text + at, e->start - at);
      span = g_markup_escape_text (trace->text + e->start, e->end - e->start);
      g_string_append (markup, before);
      g_string_append_printf (markup, "<span background=\"#3584e433\" underline=\"single\"><b>%s</b></span>", span);
      at = e->end;
    }
  {
    g_autofree char *rest = g_markup_escape_text (trace->text + at, len - at);
    g_string_append (markup, rest);
  }
  return g_string_free (markup, FALSE);
}

static void correct_clicked_cb (GtkButton *button, SdChatbotPage *self);

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))))
    gtk_box_remove (box, child);
}

static GtkWidget *
section (GtkBox     *inspector,
         const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_box_append (GTK_BOX (box), heading (title));
  gtk_box_append (inspector, box);
  return box;
}

/* The dialogue's own classifiers by a name a user can read in their language; a trained
 * model by the name it was saved under. */


/* What the dialogue remembers, in words: "Product: cashmere cardigan (no. 364)", not its
 * slot names; NULL for the product's number, said with the product. */
static char *
slot_text (const SdTurnTrace *t,
           guint              i)
{
  static const struct { const char *slot, *title; } titles[] = {
    { "order_id", N_("Order number") }, { "email", N_("E-mail") }, { "phone", N_("Phone") },
    { "amount", N_("Amount") }, { "date", N_("Date") }, { "quantity", N_("Quantity") },
    { "product", N_("Product") }, { "category", N_("Category") },
  };
  const char *name = t->slot_names[i];
  const char *value = t->slot_values && t->slot_values[i] ? t->slot_values[i] : "";
  const char *title = name;

  if (g_str_equal (name, "product_ref"))
    return NULL;
  for (guint k = 0; k < G_N_ELEMENTS (titles); k++)
    if (g_str_equal (name, titles[k].slot))
      title = _(titles[k].title);
  if (g_str_equal (name, "product"))
    for (guint k = 0; t->slot_names[k]; k++)
      if (g_str_equal (t->slot_names[k], "product_ref") && t->slot_values[k])
        /* TRANSLATORS: a product the customer named in the chat, and its number in the catalogue */
        return g_strdup_printf (_("%s: %s (no. %s)"), title, value, t->slot_values[k]);
  /* TRANSLATORS: what the chatbot remembers from the conversation, e.g. "Order number: 10234" */
  return g_strdup_printf (_("%s: %s"), title, value);
}

static void
show_turn (SdChatbotPage *self,
           guint          index)
{
  Turn *turn;
  const SdTurnTrace *t;
  GtkWidget *box, *label, *correct;
  g_autofree char *markup = NULL;

  if (index >= self->turns->len)
    {
      gtk_stack_set_visible_child_name (self->inspector_stack, "none");
      return;
    }
  turn = g_ptr_array_index (self->turns, index);
  t = turn->trace;
  clear_box (self->inspector);

  /* What it understood */
  box = section (self->inspector, _("Understood"));
  if (t->intent)
    gtk_box_append (GTK_BOX (box), probability_row (t->intent, t->confidence, TRUE));
  else
    gtk_box_append (GTK_BOX (box), dim (caption (_("No intent"))));
  if (t->intent && t->from_entities)
    {
      /* "REGENCY CAKESTAND 多少钱？": the classifier placed nothing, the product named did */
      g_autofree char *how = g_strdup_printf (g_str_equal (t->intent, "order_status")
                                              ? _("Taken from the order number in the message: the classifier alone reads it as “%s”")
                                              : _("Taken from the product in the message: the classifier alone reads it as “%s”"),
                                              sd_intent_title (t->n_top ? t->top[0].intent : "out_of_scope"));
      gtk_box_append (GTK_BOX (box), dim (caption (how)));
    }
  else if (t->intent && t->n_top > 0 && g_strcmp0 (t->top[0].intent, t->intent) != 0)
    {
      /* "yes please" after "shall I pass you to a person?": acted on as the offer, not as "Yes" */
      g_autofree char *how = g_strdup_printf (_("Taken from the conversation: the message alone reads as “%s”"),
                                              sd_intent_title (t->top[0].intent));
      gtk_box_append (GTK_BOX (box), dim (caption (how)));
    }
  if (t->read_as)
    {
      /* "is the lamp waterproof?" for a long catalogue title, "cancel my order" for
       * "cancell my ordr": what the classifiers were given */
      g_autofree char *how = g_strdup_printf (t->read_as_products && t->read_as_slips
                                              ? _("Read as “%s”: product names replaced, typing slips mended")
                                              : t->read_as_products
                                              ? _("Read as “%s”: product names replaced by a word the chatbot knows")
                                              : _("Read as “%s”: typing slips mended"),
                                              t->read_as);
      gtk_box_append (GTK_BOX (box), dim (caption (how)));
    }
  if (t->out_of_scope)
    gtk_box_append (GTK_BOX (box), dim (caption (_("Out of scope: none of the chatbot's topics fits well enough"))));
  /* the intent acted on is shown above: the alternatives are the others */
  guint n_alternatives = 0;
  for (guint i = 0; i < t->n_top; i++)
    n_alternatives += g_strcmp0 (t->top[i].intent, t->intent) != 0;
  if (n_alternatives > 0)
    {
      gtk_box_append (GTK_BOX (box), dim (caption (_("Alternatives"))));
      for (guint i = 0; i < t->n_top; i++)
        if (g_strcmp0 (t->top[i].intent, t->intent) != 0)
          gtk_box_append (GTK_BOX (box), probability_row (t->top[i].intent, t->top[i].prob, FALSE));
    }
  {
    g_autofree char *label = sd_turn_trace_classifier_label (t->classifier);
    g_autofree char *who = g_strdup_printf (_("Classified by %s"), label);
    gtk_box_append (GTK_BOX (box), dim (caption (who)));
  }
  if (t->classifier_examples == SD_MODEL_EXAMPLES_CHANGED)
    gtk_box_append (GTK_BOX (box), dim (caption (_("The chatbot's examples have changed since this model was trained (a newer Shopdesk's or your own): train it again to use them all"))));
  else if (t->classifier_examples == SD_MODEL_EXAMPLES_UNKNOWN)
    gtk_box_append (GTK_BOX (box), dim (caption (_("This model was trained by an older Shopdesk, which may have had fewer examples: train it again to use today's"))));
  if ((t->classifier && g_str_has_prefix (t->classifier, "fallback")) ||
      t->classifier_examples != SD_MODEL_EXAMPLES_CURRENT)
    {
      GtkWidget *train = gtk_button_new_with_mnemonic (_("_Train the Intent Model"));
      gtk_widget_set_halign (train, GTK_ALIGN_START);
      gtk_widget_set_tooltip_text (train, _("Train the chatbot's own classifier on all its examples, in the background; its loss curve shows on the Training page"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (train), "chat.train");
      gtk_box_append (GTK_BOX (box), train);
    }
  correct = gtk_button_new_with_mnemonic (_("_Correct This…"));
  gtk_widget_set_halign (correct, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (correct, _("Teach the chatbot the right intent for this message; it retrains in the background"));
  g_object_set_data (G_OBJECT (correct), "turn", GUINT_TO_POINTER (index));
  g_signal_connect (correct, "clicked", G_CALLBACK (correct_clicked_cb), self);
  gtk_widget_set_sensitive (correct, !self->busy && t->action != SD_TURN_UNSAFE);
  gtk_box_append (GTK_BOX (box), correct);

  /* The message, entities highlighted */
  box = section (self->inspector, _("Message"));
  markup = highlight_entities (t);
  label = caption (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_widget_add_css_class (label, "card");
  gtk_widget_add_css_class (label, "sd-inspector-message");
  gtk_box_append (GTK_BOX (box), label);
  if (t->entities && t->entities->len)
    for (guint i = 0; i < t->entities->len; i++)
      {
        const SdEntity *e = g_ptr_array_index (t->entities, i);
        /* TRANSLATORS: an entity found in the message, e.g. "Product: regency cakestand" */
        g_autofree char *line = g_strdup_printf (_("%s: %s"), entity_kind_label (e->kind), e->value ? e->value : e->text);
        gtk_box_append (GTK_BOX (box), caption (line));
      }
  else
    gtk_box_append (GTK_BOX (box), dim (caption (_("No order numbers, dates, amounts or products found"))));
  {
    g_autofree char *sent = g_strdup_printf (_("Sentiment: %s (%.0f %%) · language: %s"),
                                             sentiment_label (t->sentiment.label),
                                             t->sentiment.prob[t->sentiment.label] * 100,
                                             t->lang && g_str_has_prefix (t->lang, "zh") ? "中文" : "English");
    gtk_box_append (GTK_BOX (box), caption (sent));
    if (t->mood_set_aside == SD_MOOD_ASIDE_BARE_REQUEST)
      gtk_box_append (GTK_BOX (box),
                      dim (caption (_("Not treated as upset: a bare request like this reads as negative "
                                      "only because reviews use its words when they complain"))));
    else if (t->mood_set_aside == SD_MOOD_ASIDE_CHOICE)
      gtk_box_append (GTK_BOX (box),
                      dim (caption (_("Not treated as upset: it picks from the list the chatbot offered, "
                                      "which says nothing of the customer's mood"))));
    else if (t->mood_set_aside == SD_MOOD_ASIDE_NOT_FOUND)
      gtk_box_append (GTK_BOX (box),
                      dim (caption (_("Not treated as upset: it asks about a product the shop does not have, "
                                      "which says nothing of the customer's mood"))));
  }

  /* Dialogue state */
  box = section (self->inspector, _("Dialogue"));
  gtk_box_append (GTK_BOX (box), caption (action_label (t)));
  {
    g_autofree char *form = g_strdup_printf (_("Form: %s"), t->form ? sd_intent_title (t->form) : _("none"));
    gtk_box_append (GTK_BOX (box), caption (form));
  }
  for (guint i = 0; t->slot_names && t->slot_names[i]; i++)
    {
      g_autofree char *slot = slot_text (t, i);
      if (slot)
        gtk_box_append (GTK_BOX (box), caption (slot));
    }
  if (t->choices)
    {
      /* "Which one do you mean?" waits: what the next message picks from, not the word
       * typed before it, which names no product yet */
      g_autofree char *waiting = t->choices_name
        /* TRANSLATORS: the Chatbot page's inspector: the chatbot asked "Which one do you
         * mean?" and waits for a pick, e.g. "Waiting for a pick of 4 products that fit “lantern”" */
        ? g_strdup_printf (ngettext ("Waiting for a pick of %u product that fits “%s”",
                                     "Waiting for a pick of %u products that fit “%s”", t->n_candidates),
                           t->n_candidates, t->choices_name)
        : g_strdup_printf (ngettext ("Waiting for a pick of %u product", "Waiting for a pick of %u products",
                                     t->n_candidates), t->n_candidates);
      gtk_box_append (GTK_BOX (box), caption (waiting));
      for (guint i = 0; t->choices[i]; i++)
        {
          /* TRANSLATORS: a product offered to pick from, by its number in the list:
           * "1. HANGING METAL HEART LANTERN (£1.65)" */
          g_autofree char *line = g_strdup_printf (_("%u. %s"), i + 1, t->choices[i]);
          gtk_box_append (GTK_BOX (box), dim (caption (line)));
        }
    }
  if (t->misunderstandings > 0)
    {
      g_autofree char *miss = g_strdup_printf (ngettext ("%u misunderstanding so far", "%u misunderstandings so far",
                                                         t->misunderstandings), t->misunderstandings);
      gtk_box_append (GTK_BOX (box), dim (caption (miss)));
    }
  /* handed over on an earlier turn: still with a person */
  if (t->handoff && t->action != SD_TURN_HANDOFF)
    gtk_box_append (GTK_BOX (box), caption (_("Handed over to a person")));

  /* Where the answer came from */
  box = section (self->inspector, _("Answer Came From"));
  {
    g_autofree char *tmpl = t->template_id
                            ? g_strdup_printf (_("Template “%s” (#%ld)"), t->template_key, (long) t->template_id)
                            : g_strdup_printf (_("Template “%s”"), t->template_key ? t->template_key : "—");
    gtk_box_append (GTK_BOX (box), caption (tmpl));
  }
  for (guint i = 0; t->data_rows && i < t->data_rows->len; i++)
    {
      label = caption (g_ptr_array_index (t->data_rows, i));
      gtk_widget_add_css_class (label, "monospace");
      gtk_box_append (GTK_BOX (box), label);
    }
  if (t->data_rows == NULL || t->data_rows->len == 0)
    gtk_box_append (GTK_BOX (box), dim (caption (_("No rows of the shop's data were used"))));
  {
    g_autofree char *time = g_strdup_printf (_("Answered in %.1f ms"), t->elapsed_us / 1000.0);
    gtk_box_append (GTK_BOX (box), dim (caption (time)));
  }

  /* The language model's reply: used, or which check failed and what it had written */
  if (turn->gen != GEN_NONE)
    {
      const SdTurnGeneration *g = t->generation;
      box = section (self->inspector, _("Generated Reply"));
      if (g == NULL)
        gtk_box_append (GTK_BOX (box), dim (caption (turn->gen == GEN_RUNNING ? _("The language model is writing…")
                                                                               : _("Waiting for the language model…"))));
      else
        {
          g_autofree char *figures = g_strdup_printf (_("%.1f s · %u tokens"), g->latency_ms / 1000.0, g->tokens);
          if (g->used)
            gtk_box_append (GTK_BOX (box), caption (_("Sent: it passed every guardrail")));
          else
            {
              gtk_box_append (GTK_BOX (box), caption (sd_llm_reply_status_text (g)));
              label = caption (g->rejected_detail ? g->rejected_detail : g->rejected_reason);
              gtk_widget_add_css_class (label, "error");
              gtk_box_append (GTK_BOX (box), label);
            }
          if (g->text && *g->text && !g->used)
            {
              gtk_box_append (GTK_BOX (box), dim (caption (_("The rejected text"))));
              label = caption (g->text);
              gtk_widget_add_css_class (label, "card");
              gtk_widget_add_css_class (label, "sd-inspector-message");
              gtk_box_append (GTK_BOX (box), label);
            }
          if (g->used && g->template_reply)
            {
              gtk_box_append (GTK_BOX (box), dim (caption (_("The template's reply it replaced"))));
              label = caption (g->template_reply);
              gtk_widget_add_css_class (label, "card");
              gtk_widget_add_css_class (label, "sd-inspector-message");
              gtk_box_append (GTK_BOX (box), label);
            }
          gtk_box_append (GTK_BOX (box), dim (caption (figures)));
        }
    }

  gtk_stack_set_visible_child_name (self->inspector_stack, "turn");
}

static void
turn_selected_cb (SdChatbotPage *self,
                  GtkListBoxRow *row)
{
  if (row == NULL)
    return;
  show_turn (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "turn")));
}

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

static void
update_generation_bubble (Turn    *turn,
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

static void
append_turn_rows (SdChatbotPage *self,
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
         : g_strdup (action_label (turn->trace));
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
      update_generation_bubble (turn, FALSE);
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
      update_generation_bubble (turn, TRUE);
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

static gboolean
scroll_to_end (gpointer data)
{
  SdChatbotPage *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->messages_scroller);

  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* ---------------------------------------------------------------- turns */

typedef struct {
  Worker        *worker;
  SdChatSession *session;    /* the page's, used by one task at a time */
  GPtrArray     *messages;   /* char *: sent one after another */
  GPtrArray     *traces;     /* SdTurnTrace *, filled by the thread */
  gboolean       reload;     /* drop the dialogue's caches first (after retraining) */
} RespondWork;

static void
respond_work_free (RespondWork *w)
{
  worker_unref (w->worker);
  g_ptr_array_unref (w->messages);
  g_ptr_array_unref (w->traces);
  g_free (w);
}

static void
respond_thread (GTask        *task,
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

static void
update_llm_status (SdChatbotPage *self)
{
  g_autofree char *why = NULL;
  gboolean show = g_strcmp0 (self->reply_mode, "template") != 0 && !llm_usable (self, &why);

  gtk_label_set_text (self->llm_status, why ? why : "");
  gtk_revealer_set_reveal_child (self->llm_status_revealer, show);
}

static void
set_generating (SdChatbotPage *self,
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
    update_generation_bubble (w->turn, g_strcmp0 (self->reply_mode, "side-by-side") == 0);
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
  set_generating (self, FALSE);
  update_generation_bubble (turn, g_strcmp0 (self->reply_mode, "side-by-side") == 0);
  {
    GtkListBoxRow *row = gtk_list_box_get_selected_row (self->messages);
    guint index;
    if (row && (index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "turn"))) < self->turns->len &&
        g_ptr_array_index (self->turns, index) == turn)
      show_turn (self, index);
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
  set_generating (self, TRUE);
  update_generation_bubble (turn, g_strcmp0 (self->reply_mode, "side-by-side") == 0);
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
          update_generation_bubble (turn, g_strcmp0 (self->reply_mode, "side-by-side") == 0);
        }
    }
  /* the running turn finishes (cancelled) in generate_done_cb */
}

static void
stop_generating_action (GtkWidget  *widget,
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
  set_busy (self, FALSE);
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
        append_turn_rows (self, self->turns->len - 1);
      }
  }
  set_busy (self, FALSE);
  start_generation (self);
  g_idle_add (scroll_to_end, g_object_ref (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->message_entry));
}

static void
respond (SdChatbotPage *self,
         GPtrArray     *messages,
         gboolean       reload)
{
  RespondWork *w = g_new0 (RespondWork, 1);

  w->worker = worker_ref (self->worker);
  w->session = self->session;
  w->messages = messages;
  w->traces = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_turn_trace_free);
  w->reload = reload;
  run_on_worker (self, respond_thread, w, (GDestroyNotify) respond_work_free, respond_done_cb);
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
  respond (self, messages, FALSE);
  return TRUE;
}

static void
send_cb (SdChatbotPage *self)
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
static void
play_script_action (GtkWidget  *widget,
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
      toast (self, message);
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

static void
suggestion_clicked_cb (GtkButton     *button,
                       SdChatbotPage *self)
{
  sd_chatbot_page_send (self, gtk_button_get_label (button));
}

static void
new_conversation (SdChatbotPage *self)
{
  if (self->busy)
    return;
  g_clear_pointer (&self->session, sd_chat_session_free);
  self->session = sd_chat_session_new (current_customer (self), current_lang (self));
  /* a generation still running keeps the old turns alive until it ends, unseen */
  stop_generating (self);
  set_generating (self, FALSE);
  g_ptr_array_unref (self->turns);
  self->turns = g_ptr_array_new_with_free_func ((GDestroyNotify) turn_free);
  sd_list_box_remove_all (self->messages);
  gtk_stack_set_visible_child_name (self->inspector_stack, "none");
  if (self->worker)
    gtk_stack_set_visible_child_name (self->conversation_stack, "empty");
  set_busy (self, FALSE);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  new_conversation (SD_CHATBOT_PAGE (widget));
}

static void
replay_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);

  if (self->busy || self->turns->len == 0)
    return;
  for (guint i = 0; i < self->turns->len; i++)
    g_ptr_array_add (messages, g_strdup (((Turn *) g_ptr_array_index (self->turns, i))->user));
  new_conversation (self);
  respond (self, g_steal_pointer (&messages), FALSE);
}

static void
selection_changed_cb (SdChatbotPage *self)
{
  new_conversation (self);
}

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
          toast (self, message);
        }
      return;
    }
  toast (self, text ? _("The chatbot has learnt the correction") : _("The intent model is trained"));
  if (self->worker == NULL || self->busy)
    return;
  if (text == NULL)
    {
      /* No message to ask again: just let the chatbot pick up the new model. */
      messages = g_ptr_array_new_with_free_func (g_free);
      respond (self, messages, TRUE);
      return;
    }
  /* Ask again, so the new answer shows next to the old one. */
  messages = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (messages, g_steal_pointer (&text));
  respond (self, messages, TRUE);
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
    toast (self, error ? error->message : _("Could not store the correction"));
}

static void
train_action (GtkWidget  *widget,
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

static void
correct_clicked_cb (GtkButton     *button,
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
      toast (self, error->message);
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
  if (sd_chat_corpus_save_test (self->store, *name ? name : _("Conversation"), current_customer (self),
                                sd_chat_session_get_lang (self->session), json, &error) == 0)
    toast (self, error->message);
  else
    toast (self, _("Saved as a test case"));
}

static void
save_test_action (GtkWidget  *widget,
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
  worker_unref (w->worker);
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
  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, error->message);
      return;
    }
  if (w->passed + w->failed == 0)
    {
      toast (self, _("No test cases yet: save a conversation as a test case first"));
      return;
    }
  heading = w->failed == 0 ? g_strdup_printf (ngettext ("The Test Case Passes", "All %u Test Cases Pass", w->passed), w->passed)
                           : g_strdup_printf (ngettext ("%u Test Case Differs", "%u Test Cases Differ", w->failed), w->failed);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, w->report->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
run_tests_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SdChatbotPage *self = SD_CHATBOT_PAGE (widget);
  TestsWork *w;

  if (self->busy || self->worker == NULL)
    return;
  w = g_new0 (TestsWork, 1);
  w->worker = worker_ref (self->worker);
  w->report = g_string_new (NULL);
  run_on_worker (self, tests_thread, w, (GDestroyNotify) tests_work_free, tests_done_cb);
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
        toast (self, error->message);
      else
        toast (self, _("Transcript exported"));
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
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
    worker_unref (w->worker);
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
      set_busy (self, FALSE);
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
  g_signal_handlers_block_by_func (self->customer_drop, selection_changed_cb, self);
  gtk_drop_down_set_model (self->customer_drop, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->customer_drop, self->customers->len > 1 ? 1 : 0);
  g_signal_handlers_unblock_by_func (self->customer_drop, selection_changed_cb, self);
  set_busy (self, FALSE);
  new_conversation (self);
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
  g_clear_pointer (&self->worker, worker_unref);
  self->busy = FALSE;
  new_conversation (self);
  if (self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->conversation_stack, "loading");
  adw_status_page_set_title (self->loading_page, _("Getting the Chatbot Ready"));
  adw_status_page_set_description (self->loading_page, _("Learning the shop's catalogue and the chatbot's examples"));
  gtk_spinner_start (self->loading_spinner);
  w = g_new0 (ReadyWork, 1);
  w->db_path = g_strdup (sd_store_get_path (self->store));
  run_on_worker (self, ready_thread, w, (GDestroyNotify) ready_work_free, ready_done_cb);
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
    append_turn_rows (self, t);
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
  update_llm_status (self);
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
  worker_unref (w->worker);
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
  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, error->message);
      return;
    }
  /* only the main thread reads the worker's copy */
  sd_llm_shop_context_free (w->worker->llm_shop);
  w->worker->llm_shop = g_steal_pointer (&w->reloaded);
  toast (self, _("Reply style saved for this shop"));
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
  w->worker = worker_ref (self->worker);
  w->tone = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  w->share = gtk_check_button_get_active (share);
  run_on_worker (self, style_thread, w, (GDestroyNotify) style_work_free, style_done_cb);
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
    g_signal_handlers_disconnect_by_func (self->settings, update_llm_status, self);
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

  g_clear_pointer (&self->worker, worker_unref);
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
  gtk_widget_class_bind_template_callback (widget_class, send_cb);
  gtk_widget_class_bind_template_callback (widget_class, turn_selected_cb);

  gtk_widget_class_install_action (widget_class, "chat.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "chat.replay", NULL, replay_action);
  gtk_widget_class_install_action (widget_class, "chat.save-test", NULL, save_test_action);
  gtk_widget_class_install_action (widget_class, "chat.run-tests", NULL, run_tests_action);
  gtk_widget_class_install_action (widget_class, "chat.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "chat.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "chat.stop-generating", NULL, stop_generating_action);
  gtk_widget_class_install_action (widget_class, "chat.play-script", "ay", play_script_action);
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
  self->turns = g_ptr_array_new_with_free_func ((GDestroyNotify) turn_free);
  self->reply_mode = g_strdup ("template");
  {
    /* the language model is a user preference; without the installed schema there is none */
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
    if (schema)
      {
        self->settings = g_settings_new (APP_ID);
        g_signal_connect_swapped (self->settings, "changed", G_CALLBACK (update_llm_status), self);
      }
  }
  set_generating (self, FALSE);

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
      g_signal_connect (button, "clicked", G_CALLBACK (suggestion_clicked_cb), self);
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
  g_signal_connect_swapped (self->customer_drop, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->lang_drop, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  set_busy (self, FALSE);
}
