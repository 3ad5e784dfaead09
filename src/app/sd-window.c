/* sd-window.c — the main window: a sidebar of pages over one open shop */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sd-chatbot-page.h"
#include "sd-coupons-page.h"
#include "sd-customers-page.h"
#include "sd-data-page.h"
#include "sd-demo.h"
#include "sd-fairness-page.h"
#include "sd-job-list.h"
#include "sd-overview-page.h"
#include "sd-page-host.h"
#include "sd-recommendations-page.h"
#include "sd-shop-settings.h"
#include "sd-shop-settings-window.h"
#include "sd-sync-dialog.h"
#include "sd-training-page.h"
#include "sd-window.h"
#include "sd-toasts.h"

#define MAX_RECENT_SHOPS 8
/* Narrower than this, the sidebar folds away behind the Back button: a page then has the
 * whole width (800 px rather than 569). */
#define FOLD_BELOW_WIDTH 860

typedef struct {
  const char *name;
  const char *title;
  const char *icon;
  const char *placeholder;   /* what the page will hold, while it is not built */
  GType     (*get_type) (void);   /* the page's type; NULL shows the placeholder */
} PageInfo;

/* To add a page: name its get_type function here (and include its header above). */
static const PageInfo pages[] = {
  { "overview", N_("Overview"), "shopdesk-overview-symbolic",
    N_("Customers, products, orders, revenue and events at a glance."),
    sd_overview_page_get_type },
  { "data", N_("Data"), "shopdesk-data-symbolic",
    N_("Every table of the shop, searchable and sortable, and imports of the shop's exports."),
    sd_data_page_get_type },
  { "training", N_("Training"), "shopdesk-training-symbolic",
    N_("Train recommendation and chatbot models in the background and watch their loss curves."),
    sd_training_page_get_type },
  { "recommendations", N_("Recommendations"), "shopdesk-recommendations-symbolic",
    N_("Look up a customer and see what each model recommends, and why."),
    sd_recommendations_page_get_type },
  { "customers", N_("Customers"), "shopdesk-customers-symbolic",
    N_("How customers resemble each other: a similarity heatmap and a map of taste."),
    sd_customers_page_get_type },
  { "fairness", N_("Fairness"), "shopdesk-fairness-symbolic",
    N_("Who the live model serves well and what it shows, and a re-ranking to fix it."),
    sd_fairness_page_get_type },
  { "coupons", N_("Coupons"), "shopdesk-coupons-symbolic",
    N_("Coupon rules, who they reach and what they would cost, before they go live."),
    sd_coupons_page_get_type },
  { "chatbot", N_("Chatbot"), "shopdesk-chatbot-symbolic",
    N_("Talk to the customer-service chatbot as any customer and see what it understood."),
    sd_chatbot_page_get_type },
};

struct _SdWindow
{
  AdwApplicationWindow  parent_instance;

  AdwLeaflet           *leaflet;
  GtkWidget            *content;
  guint                 fold_idle;
  GtkListBox           *sidebar;
  GtkStack             *stack;
  AdwWindowTitle       *shop_title;
  AdwWindowTitle       *page_title;
  AdwToastOverlay      *toasts;
  SdJobList            *job_list;
  GMenu                *recent_section;

  SdStore              *store;
  GSettings            *settings;      /* NULL when the schema is not installed */
  SdFrameStats         *frame_stats;
  gboolean              frame_stats_auto;
  gboolean              shop_settings_pending;   /* asked for before a shop was open */
  gboolean              was_active;    /* the person has had the window in front */
  guint                 notifier_watch[2];
  guint                 notifiers;     /* notification services on the session bus, by bit */
  gint64                content_since; /* SHOPDESK_PAGE_TIMES: when the shop began to open */
  gboolean              first_content_shown;
  SdJob                *opening;       /* bringing an older shop up to date before it opens */
  GtkWidget            *opening_dialog;
};

static void page_host_iface_init (SdPageHostInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SdWindow, sd_window, ADW_TYPE_APPLICATION_WINDOW,
                               G_IMPLEMENT_INTERFACE (SD_TYPE_PAGE_HOST, page_host_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
make_placeholder (const PageInfo *info)
{
  GtkWidget *status = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), info->icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _(info->title));
  adw_status_page_set_description (ADW_STATUS_PAGE (status), _(info->placeholder));
  return status;
}

static GtkWidget *
make_sidebar_row (const PageInfo *info)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_(info->title));

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (info->icon));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, info->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(info->title), -1);
  return row;
}

static const PageInfo *
find_page (const char *name,
           guint      *index)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (pages[i].name, name) == 0)
      {
        if (index)
          *index = i;
        return &pages[i];
      }
  return NULL;
}

static void
sidebar_row_activated_cb (SdWindow      *self,
                          GtkListBoxRow *row)
{
  sd_window_show_page (self, gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked_cb (SdWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

void
sd_window_show_page (SdWindow   *self,
                     const char *name)
{
  guint index;
  const PageInfo *info = find_page (name, &index);
  GtkListBoxRow *row;

  g_return_if_fail (SD_IS_WINDOW (self));

  /* `shopdesk --page shop-settings`: the Overview, and the window over it once a shop is open. */
  if (g_strcmp0 (name, "shop-settings") == 0)
    {
      sd_window_show_page (self, "overview");
      if (self->store)
        gtk_widget_activate_action (GTK_WIDGET (self), "win.shop-settings", NULL);
      else
        self->shop_settings_pending = TRUE;
      return;
    }
  if (info == NULL)
    {
      g_warning ("No page named “%s”", name);
      return;
    }
  row = gtk_list_box_get_row_at_index (self->sidebar, index);
  gtk_stack_set_visible_child_name (self->stack, name);
  /* Folded, the page rather than the sidebar. */
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  adw_window_title_set_title (self->page_title, _(info->title));
  if (gtk_list_box_get_selected_row (self->sidebar) != row)
    gtk_list_box_select_row (self->sidebar, row);
}

const char *
sd_window_get_visible_page (SdWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
sd_window_get_page (SdWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);
  return gtk_stack_get_child_by_name (self->stack, name);
}

static void
give_store (GtkWidget *page,
            SdStore   *store)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "store") != NULL)
    g_object_set (page, "store", store, NULL);
}

void
sd_window_set_page (SdWindow   *self,
                    const char *name,
                    GtkWidget  *page)
{
  GtkWidget *old;
  gboolean visible;

  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (find_page (name, NULL) != NULL);

  old = gtk_stack_get_child_by_name (self->stack, name);
  visible = old != NULL && gtk_stack_get_visible_child (self->stack) == old;
  if (old)
    gtk_stack_remove (self->stack, old);
  gtk_stack_add_named (self->stack, page, name);
  give_store (page, self->store);
  if (visible)
    gtk_stack_set_visible_child (self->stack, page);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  sd_window_show_page (SD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
sd_window_toast (SdWindow   *self,
                 const char *message)
{
  sd_toasts_show (self->toasts, message, 4);
}

SdStore *
sd_window_get_store (SdWindow *self)
{
  return self->store;
}

SdFrameStats *
sd_window_get_frame_stats (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);
  return self->frame_stats;
}

/* Activates @action on the page @name with @parameter and, if the page took it, shows it. */
static void
forward_to_page (SdWindow   *self,
                 const char *name,
                 const char *action,
                 GVariant   *parameter)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, name);

  if (page == NULL || !gtk_widget_activate_action_variant (page, action, parameter))
    return;
  sd_window_show_page (self, name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* Other pages open a customer on the Recommendations page: their history, offers and
 * recommendations. The customer goes first: the page then opens on them rather than on its
 * empty state. */
static void
show_customer_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  forward_to_page (SD_WINDOW (widget), "recommendations", "recommendations.show-customer", parameter);
}

/* shopdesk --chat-script FILE: the Chatbot page, sending FILE's lines as the customer. */
static void
chat_script_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  forward_to_page (SD_WINDOW (widget), "chatbot", "chat.play-script", parameter);
}

/* ---- Shops ---------------------------------------------------------------------- */

static gboolean
is_demo_shop (const char *path)
{
  g_autofree char *demo = sd_demo_default_path ();
  return g_strcmp0 (path, demo) == 0;
}

static char *
shop_display_name (const char *path)
{
  g_autofree char *base = NULL;
  char *dot;

  if (is_demo_shop (path))
    return g_strdup (_("Demo Shop"));
  base = g_path_get_basename (path);
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

static void
remember_shop (SdWindow   *self,
               const char *path)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (self->settings == NULL)
    return;

  g_settings_set_string (self->settings, "last-shop", is_demo_shop (path) ? "" : path);
  if (is_demo_shop (path))
    return;   /* always reachable from its own menu item */

  old = g_settings_get_strv (self->settings, "recent-shops");
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] && n < MAX_RECENT_SHOPS; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-shops", (const char *const *) recent);
}

static void
update_recent_menu (SdWindow *self)
{
  g_auto(GStrv) recent = NULL;

  g_menu_remove_all (self->recent_section);
  if (self->settings == NULL)
    return;

  recent = g_settings_get_strv (self->settings, "recent-shops");
  for (guint i = 0; recent[i]; i++)
    {
      g_autofree char *name = shop_display_name (recent[i]);
      g_autofree char *dir = g_path_get_dirname (recent[i]);
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;
      const char *home = g_get_home_dir ();

      if (g_str_has_prefix (dir, home))
        {
          g_autofree char *rest = g_strdup (dir + strlen (home));
          g_free (dir);
          dir = g_strconcat ("~", rest, NULL);
        }
      /* TRANSLATORS: a recent shop in the menu: its name, then its folder */
      label = g_strdup_printf (_("%s (%s)"), name, dir);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_section, item);
    }
}

static void
show_error_dialog (SdWindow   *self,
                   const char *heading,
                   const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The shop's own name in the UI language (Shop Settings), else its file's. */
static void
update_shop_title (SdWindow *self)
{
  const char *lang = g_str_has_prefix (g_get_language_names ()[0], "zh") ? "shop.name.zh_CN" : "shop.name.en";
  g_autofree char *name = sd_store_get_setting (self->store, lang);
  g_autofree char *title = NULL;

  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = sd_store_get_setting (self->store, "shop.name.en");
    }
  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = shop_display_name (sd_store_get_path (self->store));
    }
  adw_window_title_set_subtitle (self->shop_title, name);
  /* the sidebar cuts a long name */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->shop_title), name);
  /* TRANSLATORS: the window title: the shop's name, then the application's */
  title = g_strdup_printf (_("%s — Shopdesk"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* ---- Time to first content, for bench/pages.sh ------------------------------------ */

/* A page still busy shows a spinner: the big one over an empty table, the one of a
 * loading stack. With @parts FALSE, a spinner of a part that loads in a job while the
 * rest of the page shows (style class "sd-part-loading") does not count. */
static gboolean
shows_spinner (GtkWidget *widget,
               gboolean   parts)
{
  if (!parts && gtk_widget_has_css_class (widget, "sd-part-loading"))
    return FALSE;
  if (GTK_IS_SPINNER (widget) && gtk_spinner_get_spinning (GTK_SPINNER (widget)) && gtk_widget_is_drawable (widget))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child) && shows_spinner (child, parts))
      return TRUE;
  return FALSE;
}

/* With SHOPDESK_PAGE_TIMES set, the first frame in which the visible page has its shop and
 * shows no spinner but those of parts loading in a job is its first content, and the first
 * with no spinner at all its full content: their times since the shop began to open go to
 * stdout as "first-content PAGE MS" and "full-content PAGE MS", and with
 * SHOPDESK_PAGE_TIMES=quit the app then quits. For benchmarks only. */
static gboolean
first_content_tick (GtkWidget     *widget,
                    GdkFrameClock *clock,
                    gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (widget);
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);
  double ms = (g_get_monotonic_time () - self->content_since) / 1000.0;

  if (self->store == NULL || page == NULL || !gtk_widget_get_mapped (page) || shows_spinner (page, self->first_content_shown))
    return G_SOURCE_CONTINUE;
  if (!self->first_content_shown)
    {
      g_print ("first-content %s %.0f\n", gtk_stack_get_visible_child_name (self->stack), ms);
      self->first_content_shown = TRUE;
      if (shows_spinner (page, TRUE))
        return G_SOURCE_CONTINUE;
    }
  g_print ("full-content %s %.0f\n", gtk_stack_get_visible_child_name (self->stack), ms);
  if (g_strcmp0 (g_getenv ("SHOPDESK_PAGE_TIMES"), "quit") == 0)
    g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
  return G_SOURCE_REMOVE;
}

/* ---- Opening a shop -------------------------------------------------------------- */

static gboolean open_shop (SdWindow *self, const char *path, gboolean may_update);

typedef struct {
  char *path;
} OpenData;

static void
open_data_free (OpenData *d)
{
  g_free (d->path);
  g_free (d);
}

static void
open_progress_cb (double      fraction,
                  const char *text,
                  gpointer    user_data)
{
  sd_job_set_progress (SD_JOB (user_data), fraction, text);
}

/* The worker's connection only brings the file up to date; the window then opens it
 * again on the main thread, which is instant once nothing is left to do. */
static gboolean
open_job_func (SdJob         *job,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  OpenData *d = data;
  g_autoptr(SdStore) store = sd_store_open_updating (d->path, SD_STORE_OPEN_EXISTING, open_progress_cb, job,
                                                     cancellable, error);
  return store != NULL;
}

static void
opening_progress_cb (SdWindow *self)
{
  GtkWidget *bar;

  if (self->opening == NULL || self->opening_dialog == NULL)
    return;
  bar = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (self->opening_dialog));
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), sd_job_get_fraction (self->opening));
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (bar), sd_job_get_text (self->opening));
}

static void
opening_response_cb (SdWindow   *self,
                     const char *response)
{
  self->opening_dialog = NULL;   /* AdwMessageDialog closes itself on a response */
  if (self->opening)
    sd_job_cancel (self->opening);
}

static void
close_opening_dialog (SdWindow *self)
{
  GtkWidget *dialog = g_steal_pointer (&self->opening_dialog);

  if (dialog)
    {
      g_signal_handlers_disconnect_by_data (dialog, self);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SdWindow) self = user_data;
  SdJob *job = SD_JOB (object);
  OpenData *d = sd_job_get_data (job);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job != self->opening)
    return;   /* another shop was chosen meanwhile */
  g_signal_handlers_disconnect_by_data (job, self);
  close_opening_dialog (self);
  if (ok)
    open_shop (self, d->path, FALSE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sd_window_toast (self, _("Opening the shop was cancelled: it was left as it was"));
  else
    show_error_dialog (self, _("Could not Open the Shop"), error->message);
  g_clear_object (&self->opening);
}

static void
stop_opening (SdWindow *self)
{
  close_opening_dialog (self);
  if (self->opening)
    {
      g_signal_handlers_disconnect_by_data (self->opening, self);
      sd_job_cancel (self->opening);
      g_clear_object (&self->opening);
    }
}

/* A shop of an older Shopdesk, or one whose summaries were never built, is brought up to
 * date in a job: minutes on a large shop, during which the window stays usable and a
 * dialog shows how far it got and can cancel it (the shop is then left as it was). */
static void
open_in_job (SdWindow   *self,
             const char *path)
{
  OpenData *d = g_new0 (OpenData, 1);
  g_autofree char *name = shop_display_name (path);
  g_autofree char *title = g_strdup_printf (_("Opening “%s”"), name);
  GtkWidget *bar = gtk_progress_bar_new ();

  stop_opening (self);
  d->path = g_strdup (path);
  self->opening = sd_job_new (title, open_job_func, d, (GDestroyNotify) open_data_free);
  sd_job_set_ask_before_quit (self->opening, TRUE);

  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (bar), _("Reading the shop…"));
  gtk_progress_bar_set_ellipsize (GTK_PROGRESS_BAR (bar), PANGO_ELLIPSIZE_END);
  self->opening_dialog =
    adw_message_dialog_new (GTK_WINDOW (self), _("Updating the Shop"),
                            _("This shop was made by an earlier Shopdesk, or its figures were never added up. "
                              "It is brought up to date once, which takes a few minutes on a large shop. "
                              "Cancelling leaves it as it was."));
  gtk_widget_set_name (self->opening_dialog, "opening-dialog");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self->opening_dialog), bar);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self->opening_dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self->opening_dialog), "cancel");
  g_signal_connect_object (self->opening_dialog, "response", G_CALLBACK (opening_response_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->opening, "notify::fraction", G_CALLBACK (opening_progress_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->opening, "notify::text", G_CALLBACK (opening_progress_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->opening_dialog));
  sd_window_run_job (self, self->opening, opened_cb, g_object_ref (self));
}

gboolean
sd_window_open_shop (SdWindow   *self,
                     const char *path)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return open_shop (self, path, TRUE);
}

SdJob *
sd_window_get_opening_job (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);
  return self->opening;
}

static gboolean
open_shop (SdWindow   *self,
           const char *path,
           gboolean    may_update)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;

  if (g_getenv ("SHOPDESK_PAGE_TIMES") && self->content_since == 0)
    {
      self->content_since = g_get_monotonic_time ();
      gtk_widget_add_tick_callback (GTK_WIDGET (self), first_content_tick, NULL, NULL);
    }
  if (may_update)
    stop_opening (self);
  if (may_update && sd_store_needs_update (path))
    {
      open_in_job (self, path);
      return TRUE;
    }
  /* sd_store_open() refuses, unchanged, a file that is not a Shopdesk shop (another
   * application's database, a newer or damaged shop) before writing anything. */
  if (!(store = sd_store_open (path, &error)))
    {
      show_error_dialog (self, _("Could not Open the Shop"), error->message);
      return FALSE;
    }

  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, update_shop_title, self);
  g_set_object (&self->store, store);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    give_store (gtk_stack_get_child_by_name (self->stack, pages[i].name), store);

  g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_SETTINGS,
                           G_CALLBACK (update_shop_title), self, G_CONNECT_SWAPPED);
  update_shop_title (self);
  remember_shop (self, path);
  if (self->shop_settings_pending)
    {
      self->shop_settings_pending = FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "win.shop-settings", NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  sd_sync_dialog_sync_on_open (GTK_WINDOW (self), store);
  return TRUE;
}

gboolean
sd_window_open_last_shop (SdWindow *self)
{
  g_autofree char *last = self->settings ? g_settings_get_string (self->settings, "last-shop") : NULL;
  g_autofree char *demo = sd_demo_default_path ();

  g_return_val_if_fail (SD_IS_WINDOW (self), FALSE);

  if (last && *last && g_file_test (last, G_FILE_TEST_IS_REGULAR) && sd_window_open_shop (self, last))
    return TRUE;
  return sd_window_open_shop (self, demo);
}

static GtkFileFilter *
shop_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Shop databases"));
  gtk_file_filter_add_pattern (filter, "*.sqlite");
  gtk_file_filter_add_pattern (filter, "*.sqlite3");
  gtk_file_filter_add_pattern (filter, "*.db");
  gtk_file_filter_add_mime_type (filter, "application/vnd.sqlite3");
  return filter;
}

static void
open_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  SdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        sd_window_open_shop (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_shop_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Open Shop"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  GtkFileFilter *all = gtk_file_filter_new ();

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), shop_filter ());
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
new_response_cb (GtkNativeDialog *chooser,
                 int              response,
                 SdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path && self->store && g_strcmp0 (path, sd_store_get_path (self->store)) == 0)
        show_error_dialog (self, _("Could not Create the Shop"),
                           _("That is the shop that is open now. Choose another file name."));
      else if (path)
        {
          g_autoptr(GError) error = NULL;
          /* The chooser already asked before replacing an existing file. */
          if (!g_file_delete (file, NULL, &error) &&
              !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            show_error_dialog (self, _("Could not Create the Shop"), error->message);
          else
            {
              g_autofree char *wal = g_strconcat (path, "-wal", NULL);
              g_autofree char *shm = g_strconcat (path, "-shm", NULL);
              g_unlink (wal);
              g_unlink (shm);
              if (sd_window_open_shop (self, path))
                sd_window_toast (self, _("New empty shop created: import its data on the Data page"));
            }
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
new_shop_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("New Shop"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Create"), _("_Cancel"));

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), shop_filter ());
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("My Shop.sqlite"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (new_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  const char *path = g_variant_get_string (parameter, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” no longer exists."), path);
      show_error_dialog (self, _("Could not Open the Shop"), message);
      return;
    }
  sd_window_open_shop (self, path);
}

static void
open_demo_shop_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  g_autofree char *path = sd_demo_default_path ();
  sd_window_open_shop (SD_WINDOW (widget), path);
}

/* The import lives on the Data page; the window-wide action and its shortcut lead there. */
static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, "data");

  sd_window_show_page (self, "data");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  if (page)
    gtk_widget_activate_action (page, "data.import", NULL);
}

static void
shop_settings_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  if (self->store)
    gtk_window_present (GTK_WINDOW (sd_shop_settings_window_new (GTK_WINDOW (self), self->store)));
}

static void
sync_database_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  if (self->store)
    gtk_window_present (sd_sync_dialog_new (GTK_WINDOW (self), self->store));
}

/* ---- Background jobs ------------------------------------------------------------- */

typedef struct {
  SdWindow            *self;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} RunJob;

/* Jobs shorter than this end while the person still watches: no notification. */
#define NOTIFY_AFTER_US (2 * G_USEC_PER_SEC)
#define NOTIFICATION_ID "job-finished"

/* A long job (training, an import) that ends while the window is not focused gets a
 * desktop notification, so nobody has to watch it; in front of the window the page's
 * toast is enough. Clicking the notification brings the window back. */
static void
notify_if_away (SdWindow *self,
                SdJob    *job)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  const char *body = NULL;

  /* Every notification backend talks D-Bus; without a session bus there is no one to tell.
   * A window never in front (a display without a window manager) has nobody who went away. */
  if (app == NULL || g_application_get_dbus_connection (app) == NULL || !self->was_active ||
      (self->notifiers == 0 && !g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS)) ||
      gtk_window_is_active (GTK_WINDOW (self)) || sd_job_get_elapsed_us (job) < NOTIFY_AFTER_US)
    return;

  switch (sd_job_get_state (job))
    {
    case SD_JOB_FINISHED:
      title = g_strdup_printf (_("“%s” finished"), sd_job_get_title (job));
      body = _("The results are ready in Shopdesk.");
      break;
    case SD_JOB_FAILED:
      title = g_strdup_printf (_("“%s” failed"), sd_job_get_title (job));
      body = sd_job_get_error_message (job);
      break;
    default:   /* cancelled: the person did that themselves */
      return;
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.present");
  g_application_send_notification (app, NOTIFICATION_ID, notification);
}

/* GLib warns when it has no service to send a notification to (a bare session bus, as under
 * Xvfb): notify only where one is there, or through the portal in a sandbox. */
static void
notifier_appeared_cb (GDBusConnection *connection,
                      const char      *name,
                      const char      *owner,
                      gpointer         user_data)
{
  SdWindow *self = user_data;
  self->notifiers |= g_str_equal (name, "org.gtk.Notifications") ? 1 : 2;
}

static void
notifier_vanished_cb (GDBusConnection *connection,
                      const char      *name,
                      gpointer         user_data)
{
  SdWindow *self = user_data;
  self->notifiers &= ~(g_str_equal (name, "org.gtk.Notifications") ? 1u : 2u);
}

static void
watch_notifiers (SdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GDBusConnection *bus = app ? g_application_get_dbus_connection (G_APPLICATION (app)) : NULL;
  static const char *const names[] = { "org.gtk.Notifications", "org.freedesktop.Notifications" };

  if (bus == NULL || self->notifier_watch[0])
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    self->notifier_watch[i] = g_bus_watch_name_on_connection (bus, names[i], G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                              notifier_appeared_cb, notifier_vanished_cb,
                                                              self, NULL);
}

/* Back at the window: the notification has done its job. */
static void
is_active_changed_cb (SdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  self->was_active |= gtk_window_is_active (GTK_WINDOW (self));
  watch_notifiers (self);
  if (app && g_application_get_dbus_connection (G_APPLICATION (app)) &&
      gtk_window_is_active (GTK_WINDOW (self)))
    g_application_withdraw_notification (G_APPLICATION (app), NOTIFICATION_ID);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunJob *run = user_data;
  SdWindow *self = run->self;
  SdJob *job = SD_JOB (object);

  /* Measured while jobs run: the dialogs and reloads that follow are not part of it. */
  if (sd_job_list_get_n_running (self->job_list) == 0 &&
      sd_frame_stats_is_running (self->frame_stats))
    {
      sd_frame_stats_stop (self->frame_stats);
      if (self->frame_stats_auto)
        {
          g_autofree char *stats = sd_frame_stats_to_string (self->frame_stats);
          g_print ("shopdesk: frame stats while “%s” ran: %s\n", sd_job_get_title (job), stats);
        }
    }

  notify_if_away (self, job);

  if (run->callback)
    run->callback (object, result, run->user_data);
  else
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      if (sd_job_run_finish (job, result, &error))
        message = g_strdup_printf (_("“%s” finished"), sd_job_get_title (job));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup_printf (_("“%s” cancelled"), sd_job_get_title (job));
      else
        message = g_strdup_printf (_("“%s” failed: %s"), sd_job_get_title (job), error->message);
      sd_window_toast (self, message);
    }

  g_object_unref (run->self);
  g_free (run);
}

void
sd_window_run_job (SdWindow            *self,
                   SdJob               *job,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  RunJob *run;

  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (SD_IS_JOB (job));

  run = g_new0 (RunJob, 1);
  run->self = g_object_ref (self);
  run->callback = callback;
  run->user_data = user_data;

  if (self->frame_stats_auto)
    sd_frame_stats_start (self->frame_stats);
  sd_job_list_add (self->job_list, job);
  sd_job_run_async (job, job_done_cb, run);
}

GListModel *
sd_window_get_jobs (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);
  return sd_job_list_get_jobs (self->job_list);
}

/* Closing the only window quits the app: with work in the background, the app stops it
 * first (and asks, if the person started it). */
static gboolean
sd_window_close_request (GtkWindow *window)
{
  GtkApplication *app = gtk_window_get_application (window);
  guint n_windows = 0;

  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l; l = l->next)
    n_windows += SD_IS_WINDOW (l->data);
  if (SD_IS_APPLICATION (app) && n_windows == 1 && sd_job_get_n_threads () > 0)
    {
      sd_application_quit_safely (SD_APPLICATION (app));
      return TRUE;
    }
  return GTK_WINDOW_CLASS (sd_window_parent_class)->close_request &&
         GTK_WINDOW_CLASS (sd_window_parent_class)->close_request (window);
}

/* ---- Folding ---------------------------------------------------------------------- */

static gboolean
apply_fold_cb (gpointer data)
{
  SdWindow *self = data;
  gboolean wide = gtk_widget_get_width (GTK_WIDGET (self)) >= FOLD_BELOW_WIDTH;

  self->fold_idle = 0;
  if (adw_leaflet_get_can_unfold (self->leaflet) != wide)
    {
      adw_leaflet_set_can_unfold (self->leaflet, wide);
      if (!wide)
        adw_leaflet_set_visible_child (self->leaflet, self->content);
    }
  return G_SOURCE_REMOVE;
}

/* AdwLeaflet folds only when its children do not fit (libadwaita 1.2 has no breakpoints):
 * below a width the window says it may not unfold, outside the allocation. */
static void
sd_window_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  SdWindow *self = SD_WINDOW (widget);

  GTK_WIDGET_CLASS (sd_window_parent_class)->size_allocate (widget, width, height, baseline);
  if (adw_leaflet_get_can_unfold (self->leaflet) != (width >= FOLD_BELOW_WIDTH) && self->fold_idle == 0)
    self->fold_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_fold_cb, self, NULL);
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
sd_window_dispose (GObject *object)
{
  SdWindow *self = SD_WINDOW (object);

  if (self->frame_stats_auto && self->frame_stats && sd_frame_stats_get_n_frames (self->frame_stats))
    {
      g_autofree char *stats = sd_frame_stats_to_string (self->frame_stats);
      g_print ("shopdesk: frame stats over all background jobs: %s\n", stats);
      self->frame_stats_auto = FALSE;
    }
  g_clear_object (&self->frame_stats);
  g_clear_handle_id (&self->fold_idle, g_source_remove);
  stop_opening (self);
  for (guint i = 0; i < G_N_ELEMENTS (self->notifier_watch); i++)
    g_clear_handle_id (&self->notifier_watch[i], g_bus_unwatch_name);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_WINDOW);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sd_window_parent_class)->dispose (object);
}

static void
sd_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdWindow *self = SD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_window_class_init (SdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_window_dispose;
  object_class->get_property = sd_window_get_property;
  widget_class->size_allocate = sd_window_size_allocate;
  GTK_WINDOW_CLASS (klass)->close_request = sd_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SD_TYPE_JOB_LIST);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, content);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, shop_title);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, page_title);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, job_list);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, recent_section);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.open-shop", NULL, open_shop_action);
  gtk_widget_class_install_action (widget_class, "win.new-shop", NULL, new_shop_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo-shop", NULL, open_demo_shop_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.shop-settings", NULL, shop_settings_action);
  gtk_widget_class_install_action (widget_class, "win.sync-database", NULL, sync_database_action);
  gtk_widget_class_install_action (widget_class, "win.show-customer", "s", show_customer_action);
  gtk_widget_class_install_action (widget_class, "win.chat-script", "ay", chat_script_action);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", pages[i].name);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open-shop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-shop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "win.import", NULL);
}

static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* An uninstalled run without GSETTINGS_SCHEMA_DIR still works, just forgetfully. */
  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)))
    {
      g_debug ("Schema %s not installed: window state and recent shops are not kept", APP_ID);
      return NULL;
    }
  return g_settings_new (APP_ID);
}

static void
sd_window_init (SdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = pages[i].get_type
                        ? g_object_new (pages[i].get_type (), NULL)
                        : make_placeholder (&pages[i]);
      gtk_list_box_append (self->sidebar, make_sidebar_row (&pages[i]));
      gtk_stack_add_named (self->stack, page, pages[i].name);
    }
  sd_window_show_page (self, "overview");

  g_signal_connect (self, "notify::is-active", G_CALLBACK (is_active_changed_cb), NULL);

  self->frame_stats = sd_frame_stats_new (GTK_WIDGET (self));
  self->frame_stats_auto = sd_frame_stats_enabled_by_env ();

  self->settings = open_settings ();
  if (self->settings)
    {
      g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
      g_signal_connect_object (self->settings, "changed::recent-shops",
                               G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
    }
  update_recent_menu (self);
}

SdWindow *
sd_window_new (SdApplication *app)
{
  return g_object_new (SD_TYPE_WINDOW, "application", app, NULL);
}

/* ---- What the pages may ask (SdPageHost) ------------------------------------------ */

static void
host_toast (SdPageHost *host,
            const char *message)
{
  sd_window_toast (SD_WINDOW (host), message);
}

static void
host_run_job (SdPageHost         *host,
              SdJob              *job,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  sd_window_run_job (SD_WINDOW (host), job, callback, user_data);
}

static void
page_host_iface_init (SdPageHostInterface *iface)
{
  iface->toast = host_toast;
  iface->run_job = host_run_job;
}
