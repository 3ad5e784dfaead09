/* sd-window.c — the main window: a sidebar of pages over one open shop */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-window.h"

typedef struct {
  const char *name;
  const char *title;
  const char *icon;
  const char *placeholder;   /* what the page will hold, while it is not built */
} PageInfo;

static const PageInfo pages[] = {
  { "overview", N_("Overview"), "view-grid-symbolic",
    N_("Customers, products, orders, revenue and events at a glance.") },
  { "data", N_("Data"), "drive-harddisk-symbolic",
    N_("Every table of the shop, searchable and sortable, and imports of the shop's exports.") },
  { "training", N_("Training"), "system-run-symbolic",
    N_("Train recommendation and chatbot models in the background and watch their loss curves.") },
  { "recommendations", N_("Recommendations"), "starred-symbolic",
    N_("Look up a customer and see what each model recommends, and why.") },
  { "customers", N_("Customers"), "system-users-symbolic",
    N_("How customers resemble each other: a similarity heatmap and a map of taste.") },
  { "coupons", N_("Coupons"), "emblem-documents-symbolic",
    N_("Coupon rules, who they reach and what they would cost, before they go live.") },
  { "chatbot", N_("Chatbot"), "user-available-symbolic",
    N_("Talk to the customer-service chatbot as any customer and see what it understood.") },
};

struct _SdWindow
{
  AdwApplicationWindow  parent_instance;

  AdwLeaflet           *leaflet;
  GtkListBox           *sidebar;
  GtkStack             *stack;
  AdwWindowTitle       *shop_title;
  AdwWindowTitle       *page_title;
  AdwToastOverlay      *toasts;

  SdStore              *store;
};

G_DEFINE_FINAL_TYPE (SdWindow, sd_window, ADW_TYPE_APPLICATION_WINDOW)

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
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (pages[i].name, name) == 0)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, i);
        gtk_stack_set_visible_child_name (self->stack, name);
        adw_window_title_set_title (self->page_title, _(pages[i].title));
        if (gtk_list_box_get_selected_row (self->sidebar) != row)
          gtk_list_box_select_row (self->sidebar, row);
        return;
      }
  g_warning ("No page named “%s”", name);
}

const char *
sd_window_get_visible_page (SdWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
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
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

SdStore *
sd_window_get_store (SdWindow *self)
{
  return self->store;
}

gboolean
sd_window_open_shop (SdWindow   *self,
                     const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_autofree char *basename = NULL;

  if (store == NULL)
    {
      sd_window_toast (self, error->message);
      return FALSE;
    }

  g_set_object (&self->store, store);
  basename = g_path_get_basename (path);
  adw_window_title_set_subtitle (self->shop_title, basename);
  return TRUE;
}

static void
sd_window_dispose (GObject *object)
{
  SdWindow *self = SD_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_WINDOW);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sd_window_parent_class)->dispose (object);
}

static void
sd_window_class_init (SdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, shop_title);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, page_title);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, toasts);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", pages[i].name);
}

static void
sd_window_init (SdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      gtk_list_box_append (self->sidebar, make_sidebar_row (&pages[i]));
      gtk_stack_add_named (self->stack, make_placeholder (&pages[i]), pages[i].name);
    }
  sd_window_show_page (self, "overview");
}

SdWindow *
sd_window_new (SdApplication *app)
{
  return g_object_new (SD_TYPE_WINDOW, "application", app, NULL);
}
