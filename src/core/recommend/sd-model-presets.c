/* sd-model-presets.c — presets per model and settings in plain words */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-model-presets.h"

typedef struct {
  const char *model;
  const char *params[SD_N_PRESETS][6];
  const char *describe[SD_N_PRESETS];
} Presets;

static const Presets presets[] = {
  { "als",
    { { "factors=16", "iterations=5", "solver=cg", NULL },
      { "factors=64", "iterations=15", "solver=cg", NULL },
      { "factors=128", "iterations=30", "solver=cholesky", NULL } },
    { N_("A rough picture of each customer's taste in seconds: good for a first look."),
      N_("Finer tastes, still quick on a shop of thousands of customers."),
      N_("The finest tastes it can find, solved exactly; takes several times longer.") } },
  { "bpr",
    { { "factors=32", "epochs=20", "optimizer=sgd", "learning-rate=0.05", NULL },
      { "factors=64", "epochs=60", "optimizer=sgd", "learning-rate=0.05", NULL },
      { "factors=128", "epochs=200", "optimizer=adam", "learning-rate=0.005", NULL } },
    { N_("A short training that already ranks what each customer likes above the rest."),
      N_("Enough passes for the ranking to settle on most shops."),
      N_("Long, careful training with more room for detail; minutes on a large shop.") } },
  { "itemknn",
    { { "k=50", NULL }, { "k=200", NULL }, { "k=500", NULL } },
    { N_("Each product remembers its 50 closest products: small and fast."),
      N_("200 closest products per product: more variety in what is suggested."),
      N_("500 closest products per product: the most complete, the most memory.") } },
  { "userknn",
    { { "k=20", NULL }, { "k=50", NULL }, { "k=150", NULL } },
    { N_("Suggestions from each customer's 20 most alike customers."),
      N_("From their 50 most alike customers."),
      N_("From their 150 most alike customers: steadier, slower.") } },
};

static const struct {
  const char *model;   /* NULL: any model with the key */
  const char *key;
  const char *text;
  gboolean    everyday;
} descriptions[] = {
  { NULL, "factors", N_("How many hidden tastes the model tells apart: more finds finer tastes, takes longer and can learn noise on a small shop"), TRUE },
  { "als", "reg", N_("How strongly it keeps to broad tastes instead of one customer's few purchases: higher for small or noisy shops"), TRUE },
  { "als", "alpha", N_("How much more a purchase counts than a product never touched"), FALSE },
  { "als", "iterations", N_("Rounds of refining: the loss curve shows when more stop helping"), TRUE },
  { "bpr", "epochs", N_("Passes over the shop's data: the curves show when more stop helping"), TRUE },
  { "bpr", "learning-rate", N_("How big each learning step is: too big and the curve jumps about, too small and it crawls"), FALSE },
  { "bpr", "reg", N_("How strongly it keeps to broad tastes instead of a few customers' quirks"), TRUE },
  { "bpr", "optimizer", N_("How it takes its steps: sgd is plain, adam adapts the step to each setting"), FALSE },
  { "ease", "lambda", N_("How much it smooths over rare product pairs: higher suggests safer, more popular products"), TRUE },
  { NULL, "k", N_("How many neighbours each suggestion comes from: more gives variety, fewer gives the closest matches"), TRUE },
  { NULL, "shrink", N_("How little it trusts likeness seen in only a few orders"), FALSE },
  { NULL, "seed", N_("Starting point of the random numbers: the same seed gives the same model"), FALSE },
  { "content", "popularity-prior", N_("How much popular products are preferred among equally fitting ones"), TRUE },
  { "hybrid", "weights", N_("Which models are blended and how much each counts"), TRUE },
};

static const char *const preset_names[SD_N_PRESETS] = { "fast", "balanced", "best" };
static const char *const preset_labels[SD_N_PRESETS] = { N_("Fast"), N_("Balanced"), N_("Best quality") };

const char *
sd_preset_to_string (SdPreset preset)
{
  g_return_val_if_fail (preset < SD_N_PRESETS, NULL);
  return preset_names[preset];
}

gboolean
sd_preset_from_string (const char *text,
                       SdPreset   *preset)
{
  for (guint i = 0; text && i < SD_N_PRESETS; i++)
    if (g_str_equal (text, preset_names[i]))
      {
        *preset = i;
        return TRUE;
      }
  return FALSE;
}

const char *
sd_preset_get_label (SdPreset preset)
{
  g_return_val_if_fail (preset < SD_N_PRESETS, NULL);
  return _(preset_labels[preset]);
}

static const Presets *
find (const char *model)
{
  for (guint i = 0; model && i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i].model, model))
      return &presets[i];
  return NULL;
}

const char *
sd_preset_describe (const char *model,
                    SdPreset    preset)
{
  const Presets *p = find (model);

  g_return_val_if_fail (preset < SD_N_PRESETS, NULL);
  return p ? _(p->describe[preset]) : NULL;
}

const char * const *
sd_preset_get_params (const char *model,
                      SdPreset    preset)
{
  const Presets *p = find (model);

  g_return_val_if_fail (preset < SD_N_PRESETS, NULL);
  return p ? p->params[preset] : NULL;
}

static int
find_description (const char *model,
                  const char *key)
{
  int any = -1;

  for (guint i = 0; key && i < G_N_ELEMENTS (descriptions); i++)
    if (g_str_equal (descriptions[i].key, key))
      {
        if (descriptions[i].model && g_strcmp0 (descriptions[i].model, model) == 0)
          return (int) i;
        if (descriptions[i].model == NULL && any < 0)
          any = (int) i;
      }
  return any;
}

const char *
sd_model_param_describe (const char *model,
                         const char *key)
{
  int i = find_description (model, key);

  return i >= 0 ? _(descriptions[i].text) : NULL;
}

gboolean
sd_model_param_is_everyday (const char *model,
                            const char *key)
{
  int i = find_description (model, key);

  return i >= 0 && descriptions[i].everyday;
}
