/* sd-guardrails.h — the checks a generated reply passes before a customer sees it
 *
 * A language model phrases what the dialogue manager found; it must not add to it. Every
 * order number, code, price, amount, percentage, date, quantity, product name, URL, e-mail
 * and phone number in the reply has to be in the facts of the turn, the template reply or
 * the customer's own words; a promise (a refund granted, free shipping, a discount code)
 * has to be made by the shop's facts, not merely asked for by the customer; the reply has
 * a bounded length and is in the customer's language. Faithful paraphrases pass: "3 March"
 * for 2026-03-03, 两件 or "two" for 2, "#100234" for SD-100234, a product named shorter.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_GUARDRAIL_OK,
  SD_GUARDRAIL_EMPTY,      /* nothing to send */
  SD_GUARDRAIL_LENGTH,     /* longer than the bound */
  SD_GUARDRAIL_LANGUAGE,   /* not in the customer's language */
  SD_GUARDRAIL_CONTACT,    /* a URL, e-mail or phone number the facts do not have */
  SD_GUARDRAIL_DATE,       /* a date the facts do not have */
  SD_GUARDRAIL_NUMBER,     /* an order number, code, price, amount, percentage or quantity */
  SD_GUARDRAIL_PRODUCT,    /* a product of the catalogue the facts do not name */
  SD_GUARDRAIL_PROMISE,    /* a refund, free shipping or a code the facts do not offer */
  SD_N_GUARDRAILS
} SdGuardrailCheck;

/* "invented_number", … (for JSON traces and tests; never translated). */
const char *sd_guardrail_check_to_string (SdGuardrailCheck check);
/* What the check is, for people ("Invented a number"), translated. */
const char *sd_guardrail_check_label     (SdGuardrailCheck check);

typedef struct {
  const char        *lang;            /* the customer's: "en" or "zh_CN" */
  const char *const *facts;           /* what the shop's data says this turn (NULL-terminated) */
  const char        *template_reply;  /* the reply the templates made from the same facts */
  const char        *customer_text;   /* the customer's message: their own words may be repeated */
  const char *const *products;        /* the catalogue's titles (NULL-terminated) or NULL */
  guint              max_chars;       /* 0: from the template reply's length */
} SdGuardrailInput;

typedef struct {
  SdGuardrailCheck  check;            /* the first check that failed, SD_GUARDRAIL_OK if none */
  char             *detail;           /* what it found: "“£13.00” is not in the facts" */
} SdGuardrailVerdict;

void     sd_guardrail_verdict_clear (SdGuardrailVerdict     *verdict);

/* Runs every check on @reply; TRUE when it may be sent. @verdict says which failed. */
gboolean sd_guardrails_check        (const SdGuardrailInput *input,
                                     const char             *reply,
                                     SdGuardrailVerdict     *verdict);

/* The bound on a reply's length in characters for a template reply of @template_chars. */
guint    sd_guardrails_max_chars    (guint                   template_chars);

/* "en" or "zh_CN": which language @text is mostly in, ignoring what also appears in
 * @ignore (product names, order numbers); NULL when it has too few letters to tell. */
const char *sd_guardrails_detect_language (const char *text,
                                           const char *ignore);

G_END_DECLS
