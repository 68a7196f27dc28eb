//! GOV.UK Design System components as typed structs, one module each.
//!
//! Each struct's fields are the options of the component's Nunjucks macro in
//! govuk-frontend (camelCase in JSON, so the macro's documented options and
//! its `fixtures.json` deserialize straight into them), and each renders the
//! same HTML as that macro. Text is escaped; fields named `html` take trusted,
//! already-escaped HTML only, such as another rendered component.
//!
//! Every component implements [`askama::Template`] and `Display`, and is marked
//! as HTML-safe, so another askama template embeds it with a plain `{{ }}`:
//!
//! ```
//! use askama::Template;
//! use beacon_govuk::components::{Button, Input, Label};
//!
//! #[derive(Template)]
//! #[template(source = "<form>{{ name }}{{ save }}</form>", ext = "html")]
//! struct NameForm {
//!     name: Input,
//!     save: Button,
//! }
//!
//! let page = NameForm {
//!     name: Input::new("name").label(Label::text("Full name")).value("Ada <Lovelace>"),
//!     save: Button::text("Save"),
//! };
//! let html = page.render().unwrap();
//! assert!(!html.contains("<Lovelace>"));
//! assert!(html.contains("<button"));
//! ```
//!
//! This works through references too (`{% for tag in tags %}{{ tag }}{% endfor %}`,
//! `{% if let Some(banner) = banner %}{{ banner }}{% endif %}`). `|safe` is not
//! needed, though harmless; `|escape` would escape the markup itself. To put a
//! component inside another's `html` field, render it first:
//! `SummaryRow::html("Status", Tag::text("Approved").to_string())`.

pub mod back_link;
pub mod breadcrumbs;
pub mod button;
pub mod character_count;
pub mod checkboxes;
pub mod choices;
pub mod date_input;
pub mod details;
pub mod error_message;
pub mod error_summary;
pub mod fieldset;
pub mod file_upload;
pub mod form_group;
pub mod generic_header;
pub mod hint;
pub mod input;
pub mod inset_text;
pub mod label;
pub mod language_navigation;
pub mod notification_banner;
pub mod pagination;
pub mod panel;
pub mod password_input;
pub mod phase_banner;
pub mod radios;
pub mod select;
pub mod service_navigation;
pub mod skip_link;
pub mod summary_list;
pub mod table;
pub mod tag;
pub mod task_list;
pub mod textarea;
pub mod warning_text;

pub use back_link::BackLink;
pub use breadcrumbs::{Breadcrumb, Breadcrumbs};
pub use button::Button;
pub use character_count::{CharacterCount, CountMessage};
pub use checkboxes::Checkboxes;
pub use choices::{ChoiceItem, Conditional, ItemLabel};
pub use date_input::{DateInput, DateInputItem, DatePart};
pub use details::Details;
pub use error_message::ErrorMessage;
pub use error_summary::{ErrorLink, ErrorSummary};
pub use fieldset::{Fieldset, Legend};
pub use file_upload::FileUpload;
pub use form_group::{FormGroup, Snippet};
pub use generic_header::GenericHeader;
pub use hint::Hint;
pub use input::{Affix, Input, InputWrapper};
pub use inset_text::InsetText;
pub use label::Label;
pub use language_navigation::{Language, LanguageNavigation};
pub use notification_banner::NotificationBanner;
pub use pagination::{PageItem, PageLink, Pagination};
pub use panel::{Panel, PanelAction, PanelActions};
pub use password_input::{PasswordButton, PasswordInput};
pub use phase_banner::PhaseBanner;
pub use radios::Radios;
pub use select::{Select, SelectItem};
pub use service_navigation::{EndSlot, NavigationItem, ServiceNavigation, Slots};
pub use skip_link::SkipLink;
pub use summary_list::{
    CardTitle, SummaryAction, SummaryActions, SummaryCard, SummaryCell, SummaryList, SummaryRow,
};
pub use table::{Table, TableCell};
pub use tag::Tag;
pub use task_list::{TaskList, TaskListItem, TaskStatus, TaskText};
pub use textarea::Textarea;
pub use warning_text::WarningText;
