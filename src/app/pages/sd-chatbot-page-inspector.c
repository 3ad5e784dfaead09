/* sd-chatbot-page-inspector.c — the Chatbot page's inspector: what the bot understood of the
 * selected turn, its intents, entities, mood, dialogue state and the data it answered from */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-chatbot-page-private.h"
#include "sd-intent-names.h"

/* ---------------------------------------------------------------- the inspector */

GtkWidget *
sd_chatbot_page_heading (const char *text)
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

const char *
sd_chatbot_page_action_label (const SdTurnTrace *t)
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

  gtk_box_append (GTK_BOX (box), sd_chatbot_page_heading (title));
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

void
sd_chatbot_page_show_turn (SdChatbotPage *self,
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
  g_signal_connect (correct, "clicked", G_CALLBACK (sd_chatbot_page_correct_clicked_cb), self);
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
    else if (t->mood_set_aside == SD_MOOD_ASIDE_OTHER_COLOUR)
      gtk_box_append (GTK_BOX (box),
                      dim (caption (_("Not treated as upset: it asks for another colour of the product "
                                      "before, which says nothing of the customer's mood"))));
    else if (t->mood_set_aside == SD_MOOD_ASIDE_PRICE_EXTREME)
      gtk_box_append (GTK_BOX (box),
                      dim (caption (_("Not treated as upset: it asks for the cheapest or the most expensive, "
                                      "which says nothing of the customer's mood"))));
  }

  /* Dialogue state */
  box = section (self->inspector, _("Dialogue"));
  gtk_box_append (GTK_BOX (box), caption (sd_chatbot_page_action_label (t)));
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

void
sd_chatbot_page_turn_selected_cb (SdChatbotPage *self,
                                  GtkListBoxRow *row)
{
  if (row == NULL)
    return;
  sd_chatbot_page_show_turn (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "turn")));
}
