//! The checklist catalog: task, scope and red-flag IDs with their texts.
//!
//! `rules/tasks.toml` is embedded at build time. Every rule names one item of
//! it; every finding carries the item's text so a reader sees which checklist
//! line the code violates without looking it up.

use serde::Deserialize;

/// The catalog file, as shipped.
pub const CATALOG_TOML: &str = include_str!("../../../rules/tasks.toml");

/// One checklist line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CatalogItem {
    pub id: String,
    pub text: String,
}

/// A heading of the checklist (`TASK-3` Security Quality, …).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CatalogGroup {
    pub id: String,
    pub title: String,
}

/// A part of the checklist (`TASK`, `SCOPE`, `RF`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CatalogSection {
    pub prefix: String,
    pub title: String,
}

/// The whole catalog, in checklist order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Catalog {
    #[serde(rename = "section")]
    pub sections: Vec<CatalogSection>,
    #[serde(rename = "group")]
    pub groups: Vec<CatalogGroup>,
    #[serde(rename = "item")]
    pub items: Vec<CatalogItem>,
}

impl Catalog {
    /// The embedded catalog.
    ///
    /// # Panics
    /// Never at run time: the file is embedded and a test parses it.
    #[must_use]
    pub fn builtin() -> &'static Catalog {
        static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        CATALOG.get_or_init(|| toml::from_str(CATALOG_TOML).expect("rules/tasks.toml is valid"))
    }

    /// The item with this exact ID.
    #[must_use]
    pub fn item(&self, id: &str) -> Option<&CatalogItem> {
        self.items.iter().find(|item| item.id == id)
    }

    /// The group an item belongs to (`TASK-3.3` → `TASK-3`, `RF-6` → `RF`).
    #[must_use]
    pub fn group_of(&self, id: &str) -> Option<&CatalogGroup> {
        let group_id = match id.split_once('.') {
            Some((group, _)) => group,
            None => id.split_once('-').map_or(id, |(prefix, _)| prefix),
        };
        self.groups.iter().find(|group| group.id == group_id)
    }

    /// True for a group ID such as `TASK-3` or `SCOPE-1`.
    #[must_use]
    pub fn is_group(&self, id: &str) -> bool {
        self.groups.iter().any(|group| group.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_holds_every_checklist_id() {
        let catalog = Catalog::builtin();
        let count = |prefix: &str| {
            catalog
                .items
                .iter()
                .filter(|i| i.id.starts_with(prefix))
                .count()
        };
        assert_eq!(count("TASK-"), 20);
        assert_eq!(count("SCOPE-"), 24);
        assert_eq!(count("RF-"), 8);
        assert_eq!(
            catalog.item("TASK-3.3").map(|i| i.text.as_str()),
            Some("Secrets stored in vault or environment variables, never in code")
        );
        assert_eq!(
            catalog.item("RF-5").map(|i| i.text.as_str()),
            Some("Database queries without indexes")
        );
    }

    #[test]
    fn items_find_their_groups() {
        let catalog = Catalog::builtin();
        assert_eq!(
            catalog.group_of("TASK-3.3").map(|g| g.title.as_str()),
            Some("Security Quality")
        );
        assert_eq!(
            catalog.group_of("SCOPE-3.2").map(|g| g.title.as_str()),
            Some("System Architecture Patterns")
        );
        assert_eq!(catalog.group_of("RF-6").map(|g| g.id.as_str()), Some("RF"));
        assert!(catalog.is_group("TASK-3"));
        assert!(!catalog.is_group("TASK-3.3"));
    }
}
