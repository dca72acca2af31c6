//! `exgen init`: a commented starter plan for one upgrade path, from the specs (versions,
//! update levels, roles, operating systems, what the path needs) and the template
//! `templates/init/plan.exm.j2`. Every path exgen generates gets one that checks clean.

use crate::escape;
use crate::specs::{Specs, VersionSpec};
use minijinja::{Environment, context};

/// Why no starter plan can be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitError {
    /// exgen does not generate this path (the target's spec does not list the source).
    Path {
        /// The source version as given.
        from: String,
        /// The target version as given.
        to: String,
        /// The paths exgen generates, `FROM → TO`.
        known: Vec<String>,
    },
    /// The organization's name cannot be written in a plan.
    Name(&'static str),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::Path { from, to, known } => write!(
                f,
                "exgen does not generate Exchange {from} to {to}; the paths it generates are {}",
                known.join(", ")
            ),
            InitError::Name(why) => write!(f, "the organization's name holds {why}"),
        }
    }
}

impl std::error::Error for InitError {}

/// Every path exgen generates, as (source, target) versions, in the specs' order.
#[must_use]
pub fn paths() -> Vec<(String, String)> {
    Specs::embedded()
        .all()
        .iter()
        .flat_map(|to| {
            to.generated_from
                .iter()
                .map(|from| (from.clone(), to.version.clone()))
        })
        .collect()
}

/// The starter plan from Exchange `from` to `to` for the organization `name`.
///
/// # Errors
/// When exgen does not generate that path, or `name` cannot be written in a plan.
pub fn plan(from: &str, to: &str, name: &str) -> Result<String, InitError> {
    let specs = Specs::embedded();
    let find = |v: &str| {
        specs
            .all()
            .iter()
            .find(|s| s.version.eq_ignore_ascii_case(v))
    };
    let (Some(source), Some(target)) = (find(from), find(to)) else {
        return Err(unknown(from, to));
    };
    if !target.generated_from.contains(&source.version) {
        return Err(unknown(from, to));
    }
    let title = format!("{name}: Exchange {} to {}", source.version, target.version);
    let target_level = newest_level(target, Some(&source.version));
    let slug = |v: &str| format!("EX{}", v.to_ascii_uppercase());
    let template = crate::lower::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "init/plan.exm.j2")
        .map(|(_, t)| *t)
        .expect("templates/init/plan.exm.j2 is embedded");
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template("plan", template)
        .expect("the init template parses");
    let ctx = context! {
        title => title.clone(),
        title_literal => escape::exm_string(&title).map_err(InitError::Name)?,
        org_literal => escape::exm_string(name).map_err(InitError::Name)?,
        generator => concat!("exgen ", env!("CARGO_PKG_VERSION")),
        domain => "contoso.com",
        target => written(target, target_level.as_ref()),
        source => written(source, newest_level(source, None).as_ref()),
        // A 2000/2003 organization must be in native mode before the first newer server.
        native_mode => target
            .native_mode_with
            .as_ref()
            .is_some_and(|n| n.versions.contains(&source.version)),
        functional_level => target.forest_functional_level.value.clone(),
        legacy => target.legacy_namespace_for.contains(&source.version),
        cas_array => target.client_access_array.as_ref().is_some_and(|f| f.value),
        // Mail between the versions goes through a routing group connector (R44).
        routing_group_connector => target
            .legacy_routing
            .as_ref()
            .is_some_and(|r| r.with.contains(&source.version)),
        // Public folder replicas move to a public folder database of the new server, unless
        // the target keeps public folders in mailboxes.
        legacy_public_folders => target.public_folders.as_deref() != Some("modern"),
        old_server => slug(&source.version),
        new_server => slug(&target.version),
        database => format!("{}-DB01", slug(&target.version)),
        old_roles => roles(source),
        new_roles => roles(target),
        new_os => newest_os(target, target_level.as_ref()),
        // Why the target is not at its newest level, when the source blocks that one.
        level_note => target
            .updates
            .last()
            .and_then(|newest| target.blocks_at(&source.version, &newest.name))
            .and_then(|b| b.alternative.clone()),
        oab => target.default_offline_address_book.clone(),
    };
    Ok(env
        .get_template("plan")
        .and_then(|t| t.render(ctx))
        .expect("the init template renders"))
}

fn unknown(from: &str, to: &str) -> InitError {
    InitError::Path {
        from: from.to_owned(),
        to: to.to_owned(),
        known: paths()
            .into_iter()
            .map(|(f, t)| format!("{f} → {t}"))
            .collect(),
    }
}

/// The newest update level of `spec` whose setup accepts `beside` in the organization (2019
/// CU14 beside 2013, whose CU15 refuses it).
pub(crate) fn newest_level(
    spec: &VersionSpec,
    beside: Option<&str>,
) -> Option<crate::specs::Level> {
    spec.updates
        .iter()
        .rfind(|u| beside.is_none_or(|older| spec.blocks_at(older, &u.name).is_none()))
        .map(|u| u.name.clone())
}

/// The version and the update level as a plan writes them (`2010`, `sp3 ru32`).
fn written(spec: &VersionSpec, level: Option<&crate::specs::Level>) -> minijinja::Value {
    let level = level.map_or_else(|| "rtm".to_owned(), |l| l.to_string().to_ascii_lowercase());
    context! { version => spec.version.clone(), level => level }
}

/// The roles a server of this version holds in a one-server site: every role but Edge
/// Transport (which stands alone) and Unified Messaging.
pub(crate) fn roles(spec: &VersionSpec) -> String {
    spec.roles
        .available
        .iter()
        .filter(|r| !spec.roles.alone.contains(r) && r.as_str() != "um")
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The newest operating system the version is documented to support at `level` (an
/// unverified one would warn), as a plan names it.
pub(crate) fn newest_os(spec: &VersionSpec, level: Option<&crate::specs::Level>) -> String {
    spec.os
        .iter()
        .rfind(|o| {
            o.confidence != crate::specs::Confidence::Unverified
                && o.minimum
                    .as_ref()
                    .is_none_or(|m| level.is_some_and(|l| l >= m))
        })
        .map(|o| o.label.split(" (").next().unwrap_or(&o.label).to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path exgen generates gets a starter plan that checks clean: no error, no warning.
    #[test]
    fn every_path_s_starter_plan_checks_clean() {
        let all = paths();
        assert!(all.len() >= 12, "{all:?}");
        for (from, to) in all {
            let text = plan(&from, &to, "Contoso \"East\"").expect("a plan");
            let file = crate::source::SourceFile::new("plan.exm", text.as_str());
            let (ir, diagnostics) = crate::check(&file, &crate::fuzzing::OneCsv);
            let shown = crate::diag::render::terminal(&file, &diagnostics, false);
            assert!(
                ir.is_some() && diagnostics.is_empty(),
                "{from} → {to}:\n{shown}\n{text}"
            );
            assert_eq!(
                crate::syntax::format(&text).as_deref(),
                Ok(text.as_str()),
                "{from} → {to} is canonical"
            );
        }
    }

    #[test]
    fn an_unknown_path_names_the_known_ones_and_a_bad_name_is_refused() {
        let e = plan("2003", "2019", "X").unwrap_err();
        assert!(e.to_string().contains("2016 → 2019"), "{e}");
        assert!(matches!(
            plan("2010", "2016", "a\nb"),
            Err(InitError::Name(_))
        ));
    }
}
