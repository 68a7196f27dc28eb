//! Task list: the steps of a long form, each with its status.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, falsy_items, html_safe_component};
use crate::components::Tag;

/// ```
/// use beacon_govuk::components::{Tag, TaskList, TaskListItem};
///
/// let steps = TaskList::default()
///     .item(TaskListItem::new("Describe the idea", "/ideas/1/describe").status_text("Completed"))
///     .item(TaskListItem::new("Estimate costs", "/ideas/1/costs").status_tag(Tag::text("Incomplete").classes("govuk-tag--blue")));
/// assert!(steps.to_string().contains("task-list-2-status"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "task_list.html")]
pub struct TaskList {
    /// Tasks; `None` entries are skipped but still count for ids.
    #[serde(deserialize_with = "falsy_items")]
    pub items: Vec<Option<TaskListItem>>,
    /// "task-list" when not given.
    pub id_prefix: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskListItem {
    pub title: TaskText,
    pub hint: Option<TaskText>,
    pub status: TaskStatus,
    /// Without a link the task cannot be started yet.
    pub href: Option<String>,
    pub classes: Option<String>,
}

/// Text, or trusted HTML, with extra classes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskText {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub classes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskStatus {
    /// A tag, for statuses that need attention; plain text otherwise.
    pub tag: Option<Tag>,
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub classes: Option<String>,
}

impl TaskList {
    pub fn item(mut self, item: TaskListItem) -> Self {
        self.items.push(Some(item));
        self
    }

    fn prefix(&self) -> &str {
        self.id_prefix.non_empty().unwrap_or("task-list")
    }

    fn hint_id(&self, index: impl std::borrow::Borrow<usize>) -> String {
        format!("{}-{}-hint", self.prefix(), index.borrow())
    }

    fn status_id(&self, index: impl std::borrow::Borrow<usize>) -> String {
        format!("{}-{}-status", self.prefix(), index.borrow())
    }

    fn described_by(&self, item: &TaskListItem, index: impl std::borrow::Borrow<usize>) -> String {
        let index = *index.borrow();
        match item.hint {
            Some(_) => format!("{} {}", self.hint_id(index), self.status_id(index)),
            None => self.status_id(index),
        }
    }
}

impl TaskListItem {
    pub fn new(title: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            title: TaskText::text(title),
            href: Some(href.into()),
            ..Self::default()
        }
    }

    pub fn hint(mut self, text: impl Into<String>) -> Self {
        self.hint = Some(TaskText::text(text));
        self
    }

    pub fn status_text(mut self, text: impl Into<String>) -> Self {
        self.status.text = Some(text.into());
        self
    }

    pub fn status_tag(mut self, tag: Tag) -> Self {
        self.status.tag = Some(tag);
        self
    }
}

impl TaskText {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

impl TaskStatus {
    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(TaskList);
