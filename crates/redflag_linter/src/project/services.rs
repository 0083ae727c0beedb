//! The service model: routes joined across files into full paths, grouped
//! into services with their stack and deployment.
//!
//! A service is a deployable unit rooted at a manifest (`package.json`,
//! `pyproject.toml`, `requirements.txt`, `Cargo.toml` with a package…) or,
//! where no manifest covers it, a Dockerfile — and it registers at least
//! one route; a library with no routes is not a service. Routes are
//! reached from the application objects (`express()`, `FastAPI()`,
//! `App::new()`, a Django `ROOT_URLCONF`…) through the mounts the code
//! makes visible, following imports to the files they name; a router that
//! nothing visible mounts keeps its own prefix and is marked unmounted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::facts::deploy::{ComposeServiceFact, DockerfileFact, IngressFact, WorkloadFact};
use crate::facts::manifest::ManifestKind;
use crate::facts::openapi::OpenApiFact;
use crate::facts::service::{
    Framework, HandlerFact, MiddlewareFact, RouteFact, ServiceFacts, Signal, SignalKind, Target,
};
use crate::facts::FileFacts;
use crate::source::Location;

use super::vocabulary::{datastore_of, library_roles};
use crate::facts::operations::{OpsSignal, PrintCall};
use crate::facts::outbound::OutboundCall;

/// Deepest chain of mounts followed (a guard against cycles the visited
/// set does not catch, such as the same router under two names).
const MAX_MOUNT_DEPTH: usize = 24;

/// A route with its full path and every marker on its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub framework: Framework,
    pub methods: Vec<String>,
    /// All prefixes joined, leading `/`.
    pub path: String,
    pub handler: Option<String>,
    /// The route's own markers, then those of its routers, mounts and
    /// middleware, then those of its handler's definition.
    pub markers: Vec<String>,
    pub status: Option<u16>,
    pub params: Vec<String>,
    pub collection_reads: Vec<String>,
    /// False when no visible mount reaches it from an application.
    pub mounted: bool,
    pub location: Location,
}

/// One deployable service.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    /// Its root directory (`""` for the repository root).
    pub root: String,
    /// The application object, else the manifest.
    pub entry: Option<Location>,
    pub manifests: Vec<(String, ManifestKind)>,
    pub frameworks: Vec<Framework>,
    pub routes: Vec<Route>,
    pub signals: Vec<Signal>,
    pub middleware: Vec<MiddlewareFact>,
    pub dependencies: Vec<String>,
    /// Role (`rate-limit`, `auth`, `logging`, …) → packages in use.
    pub libraries: BTreeMap<String, Vec<String>>,
    pub datastores: Vec<String>,
    pub dockerfiles: Vec<(String, DockerfileFact)>,
    pub compose: Vec<ComposeServiceFact>,
    pub workloads: Vec<WorkloadFact>,
    pub ingresses: Vec<IngressFact>,
    /// Paths of the OpenAPI specs in the service.
    pub specs: Vec<String>,
    /// Code files that said something about the service.
    pub files: Vec<String>,
    /// HTTP calls from its code to external hosts.
    pub outbound: Vec<OutboundCall>,
    /// Logging, request-ID and metrics evidence in its code.
    pub operations: Vec<OpsSignal>,
    /// `print`/`console.*`/`println!` calls in its code.
    pub prints: Vec<PrintCall>,
}

impl Service {
    /// Signals of one kind.
    pub fn signals(&self, kind: SignalKind) -> impl Iterator<Item = &Signal> {
        self.signals.iter().filter(move |s| s.kind == kind)
    }

    /// True when the service depends on a package.
    #[must_use]
    pub fn depends_on(&self, package: &str) -> bool {
        self.dependencies.iter().any(|d| d == package)
    }
}

/// Every service, plus the deployment facts and specs of the repository.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceModel {
    pub services: Vec<Service>,
    pub dockerfiles: Vec<(String, DockerfileFact)>,
    pub workloads: Vec<WorkloadFact>,
    pub ingresses: Vec<IngressFact>,
    pub compose: Vec<ComposeServiceFact>,
    pub specs: Vec<(String, OpenApiFact)>,
}

/// A node routes hang off: a router of a file, or a handler that carries
/// its own route (Actix/Rocket attribute handlers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Node<'a> {
    Router(usize, &'a str),
    Handler(usize, &'a str),
}

/// Mount edges: parent → (prefix, markers at the mount, child).
type Edges<'a> = HashMap<Node<'a>, Vec<(String, Vec<String>, Node<'a>)>>;

struct Builder<'a> {
    files: &'a [FileFacts],
    service: Vec<Option<&'a ServiceFacts>>,
    by_path: HashMap<&'a str, usize>,
    /// Directories that root a deployable unit.
    roots: BTreeSet<String>,
}

impl ServiceModel {
    /// Builds the model from every file's facts (in path order).
    #[must_use]
    pub fn build(files: &[FileFacts]) -> ServiceModel {
        let builder = Builder {
            files,
            service: files.iter().map(|f| f.service.as_ref()).collect(),
            by_path: files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.path.as_str(), i))
                .collect(),
            roots: roots_of(files),
        };
        builder.build()
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn is_under(root: &str, path: &str) -> bool {
    root.is_empty() || path == root || path.starts_with(&format!("{root}/"))
}

/// Resolves `.` and `..` segments.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Joins a prefix and a path as a server would: one `/` between, a
/// leading `/`, regex anchors of Django `re_path` removed, the trailing
/// `/` of a bare `/` route dropped.
#[must_use]
pub fn join_path(prefix: &str, path: &str) -> String {
    let clean = |s: &str| s.trim_start_matches('^').trim_end_matches('$').to_string();
    let prefix = clean(prefix);
    let path = clean(path);
    let head = prefix.trim_end_matches('/');
    let tail = path.trim_start_matches('/');
    let joined = if tail.is_empty() {
        head.to_string()
    } else if head.is_empty() {
        tail.to_string()
    } else {
        format!("{head}/{tail}")
    };
    let joined = joined.trim_start_matches('/');
    format!("/{joined}")
}

/// The markers a router gives every route on it: those declared with it
/// and the middleware applied to it.
fn router_markers(facts: &ServiceFacts, name: &str) -> Vec<String> {
    let declared = facts
        .routers
        .iter()
        .filter(|r| r.name == name)
        .flat_map(|r| r.markers.iter().cloned());
    let middleware = facts
        .middleware
        .iter()
        .filter(|m| m.router == name)
        .map(|m| m.name.clone());
    declared.chain(middleware).collect()
}

/// NestJS URI versioning (`enableVersioning()` or `type:
/// VersioningType.URI`): `Some(default version)`, empty when none is set.
fn nest_uri_versioning(facts: &ServiceFacts) -> Option<String> {
    let signal = facts
        .signals
        .iter()
        .find(|s| s.kind == SignalKind::Versioning && s.detail.contains("enableVersioning"))?;
    let detail = &signal.detail;
    if detail.contains("type") && !detail.contains("URI") {
        return None;
    }
    Some(quoted_after(detail, "defaultVersion").unwrap_or_default())
}

/// The first quoted value after `key` in an object literal's text.
fn quoted_after(text: &str, key: &str) -> Option<String> {
    let rest = &text[text.find(key)? + key.len()..];
    let rest = rest.trim_start_matches([':', ' ']);
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let body = &rest[1..];
    body.find(quote).map(|end| body[..end].to_string())
}

/// The URI version of a controller: its own `version` option, none for
/// `VERSION_NEUTRAL`, else the application's default.
fn nest_controller_version(markers: &[String], default: &str) -> Option<String> {
    for marker in markers {
        if marker.contains("VERSION_NEUTRAL") {
            return None;
        }
        if let Some(version) = quoted_after(marker, "version") {
            return Some(version);
        }
    }
    (!default.is_empty()).then(|| default.to_string())
}

/// True when a path segment is a parameter in any framework's syntax
/// (`:id`, `{id}`, `<int:id>`, `(?P<id>…)`, `*`, `*rest`).
#[must_use]
pub fn is_param_segment(segment: &str) -> bool {
    segment.starts_with([':', '{', '<', '(', '*', '['])
        || segment.contains("(?P<")
        || segment.contains('{')
}

/// True when a route's path serves a concrete request path.
#[must_use]
pub fn serves(route_path: &str, request_path: &str) -> bool {
    let split = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let route = split(route_path);
    let request = split(request_path);
    if route
        .last()
        .is_some_and(|s| s.starts_with('*') || s == "{*rest}" || s.starts_with("{*"))
    {
        return request.len() + 1 >= route.len()
            && route[..route.len() - 1]
                .iter()
                .zip(&request)
                .all(|(r, q)| is_param_segment(r) || r == q);
    }
    route.len() == request.len()
        && route
            .iter()
            .zip(&request)
            .all(|(r, q)| is_param_segment(r) || r == q)
}

/// Joins a route's path under its prefix. Python frameworks serve a
/// trailing `/` as written (`@bp.route("/")` under `/users` is
/// `/users/`); the others treat a bare `/` route as the prefix itself.
#[must_use]
pub fn join_route(prefix: &str, path: &str, framework: Framework) -> String {
    let joined = join_path(prefix, path);
    let python = matches!(
        framework,
        Framework::Flask | Framework::FastApi | Framework::Django | Framework::Aiohttp
    );
    if python && path.ends_with('/') && !joined.ends_with('/') {
        format!("{joined}/")
    } else {
        joined
    }
}

const JS_EXTENSIONS: [&str; 6] = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs"];

impl<'a> Builder<'a> {
    fn build(&self) -> ServiceModel {
        let roots = &self.roots;
        let deepest = |path: &str| -> String {
            roots
                .iter()
                .filter(|r| is_under(r, path))
                .max_by_key(|r| r.len())
                .cloned()
                .unwrap_or_default()
        };

        // Routes reached from applications, by the app's service root.
        let mut routes_by_root: BTreeMap<String, Vec<Route>> = BTreeMap::new();
        let mut entries: BTreeMap<String, Location> = BTreeMap::new();
        let mut reached: BTreeSet<(usize, usize)> = BTreeSet::new();
        let edges = self.edges(&deepest);
        for (file, facts) in self.service.iter().enumerate() {
            let Some(facts) = facts else { continue };
            for router in facts.routers.iter().filter(|r| r.is_app) {
                let root = deepest(&self.files[file].path);
                entries
                    .entry(root.clone())
                    .or_insert_with(|| router.location.clone());
                let mut prefix = router.prefix.clone();
                if let Some(global) = facts
                    .signals
                    .iter()
                    .find(|s| s.kind == SignalKind::GlobalPrefix)
                {
                    prefix = join_path(&prefix, &global.detail);
                }
                let found = self.walk(
                    Node::Router(file, &router.name),
                    &prefix,
                    &edges,
                    &mut reached,
                );
                routes_by_root.entry(root).or_default().extend(found);
            }
        }
        // Routes nothing visible mounts keep their router's own prefix.
        for (file, facts) in self.service.iter().enumerate() {
            let Some(facts) = facts else { continue };
            for (index, route) in facts.routes.iter().enumerate() {
                if reached.contains(&(file, index)) {
                    continue;
                }
                let router = route.router.as_deref().unwrap_or("");
                let prefix = facts
                    .routers
                    .iter()
                    .find(|r| r.name == router)
                    .map_or("", |r| r.prefix.as_str());
                let markers = router_markers(facts, router);
                let mut built = self.route(file, route, prefix, &markers);
                built.mounted = false;
                routes_by_root
                    .entry(deepest(&self.files[file].path))
                    .or_default()
                    .push(built);
            }
        }

        let mut model = ServiceModel::default();
        for facts in self.files {
            if let Some(deploy) = &facts.deploy {
                if let Some(docker) = &deploy.dockerfile {
                    model.dockerfiles.push((facts.path.clone(), docker.clone()));
                }
                model.workloads.extend(deploy.workloads.iter().cloned());
                model.ingresses.extend(deploy.ingresses.iter().cloned());
                model.compose.extend(deploy.compose.iter().cloned());
            }
            if let Some(spec) = &facts.openapi {
                model.specs.push((facts.path.clone(), spec.clone()));
            }
        }

        for (root, mut routes) in routes_by_root {
            if routes.is_empty() {
                continue;
            }
            routes.sort_by(|a, b| {
                (
                    &a.path,
                    &a.methods,
                    &a.location.path,
                    a.location.range.start,
                )
                    .cmp(&(
                        &b.path,
                        &b.methods,
                        &b.location.path,
                        b.location.range.start,
                    ))
            });
            routes.dedup_by(|a, b| {
                a.path == b.path && a.methods == b.methods && a.location == b.location
            });
            let service =
                self.service_at(&root, routes, entries.get(&root).cloned(), &deepest, &model);
            model.services.push(service);
        }
        model
    }

    /// Mount edges: parent node → (prefix, markers, child node).
    fn edges(&self, deepest: &dyn Fn(&str) -> String) -> Edges<'a> {
        let mut edges: Edges<'a> = HashMap::new();
        for (file, facts) in self.service.iter().enumerate() {
            let Some(facts) = facts else { continue };
            for mount in &facts.mounts {
                let children = match &mount.child {
                    Target::Local(name) => self.nodes_in(file, Some(name)),
                    Target::Imported { module, name } => self
                        .resolve_module(file, module, mount.framework)
                        .into_iter()
                        .flat_map(|target| self.nodes_in(target, name.as_deref()))
                        .collect(),
                };
                for child in children {
                    edges
                        .entry(Node::Router(file, &mount.parent))
                        .or_default()
                        .push((mount.prefix.clone(), mount.markers.clone(), child));
                }
            }
        }
        // NestJS controllers join their service's application.
        for (app_file, facts) in self.service.iter().enumerate() {
            let Some(facts) = facts else { continue };
            for app in facts
                .routers
                .iter()
                .filter(|r| r.is_app && r.framework == Framework::NestJs)
            {
                let root = deepest(&self.files[app_file].path);
                let uri_default = nest_uri_versioning(facts);
                for (file, other) in self.service.iter().enumerate() {
                    let Some(other) = other else { continue };
                    if deepest(&self.files[file].path) != root {
                        continue;
                    }
                    for controller in other
                        .routers
                        .iter()
                        .filter(|r| !r.is_app && r.framework == Framework::NestJs)
                    {
                        let version = uri_default
                            .as_deref()
                            .and_then(|d| nest_controller_version(&controller.markers, d));
                        edges
                            .entry(Node::Router(app_file, &app.name))
                            .or_default()
                            .push((
                                version.map(|v| format!("v{v}")).unwrap_or_default(),
                                Vec::new(),
                                Node::Router(file, &controller.name),
                            ));
                    }
                }
            }
        }
        edges
    }

    /// The nodes a name stands for in a file: a router, or handlers with
    /// their own routes; for no name, the module's default export.
    fn nodes_in(&self, file: usize, name: Option<&str>) -> Vec<Node<'a>> {
        let Some(facts) = self.service[file] else {
            return Vec::new();
        };
        match name {
            Some(name) => {
                // `users.router`, `handlers::list` name their last part;
                // synthetic names (`<scope:42>`) are whole.
                let name = if name.starts_with('<') {
                    name
                } else {
                    name.rsplit(['.', ':']).next().unwrap_or(name)
                };
                if let Some(router) = facts.routers.iter().find(|r| r.name == name) {
                    return vec![Node::Router(file, &router.name)];
                }
                facts
                    .routes
                    .iter()
                    .filter(|r| r.router.is_none() && r.handler.as_deref() == Some(name))
                    .filter_map(|r| r.handler.as_deref())
                    .take(1)
                    .map(|h| Node::Handler(file, h))
                    .collect()
            }
            None => {
                let defaults: Vec<Node<'a>> = facts
                    .routers
                    .iter()
                    .filter(|r| r.default_export)
                    .map(|r| Node::Router(file, &r.name))
                    .collect();
                if !defaults.is_empty() {
                    return defaults;
                }
                let routers: Vec<Node<'a>> = facts
                    .routers
                    .iter()
                    .filter(|r| !r.is_app)
                    .map(|r| Node::Router(file, &r.name))
                    .collect();
                if routers.len() == 1 {
                    routers
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// The files an import names, among the files with service facts.
    fn resolve_module(&self, from: usize, module: &str, framework: Framework) -> Vec<usize> {
        let from_path = self.files[from].path.as_str();
        let here = dir_of(from_path);
        let exists = |path: &str| -> Option<usize> {
            self.by_path
                .get(path)
                .copied()
                .filter(|&i| self.service[i].is_some())
        };
        let by_suffix = |suffix: &str| -> Vec<usize> {
            let mut found: Vec<usize> = self
                .files
                .iter()
                .enumerate()
                .filter(|(i, f)| {
                    self.service[*i].is_some()
                        && (f.path == suffix || f.path.ends_with(&format!("/{suffix}")))
                })
                .map(|(i, _)| i)
                .collect();
            // Nearest first: the longest shared directory prefix.
            found
                .sort_by_key(|&i| std::cmp::Reverse(common_prefix(&self.files[i].path, from_path)));
            found.truncate(1);
            found
        };
        match framework {
            Framework::Express
            | Framework::Fastify
            | Framework::NestJs
            | Framework::Koa
            | Framework::Hono => {
                if !module.starts_with('.') {
                    return Vec::new();
                }
                let base = normalize(&format!("{here}/{module}"));
                let stem = base
                    .strip_suffix(".js")
                    .or_else(|| base.strip_suffix(".mjs"))
                    .unwrap_or(&base)
                    .to_string();
                let mut candidates = vec![base.clone()];
                for ext in JS_EXTENSIONS {
                    candidates.push(format!("{stem}{ext}"));
                }
                for ext in JS_EXTENSIONS {
                    candidates.push(format!("{base}/index{ext}"));
                }
                candidates
                    .iter()
                    .find_map(|c| exists(c))
                    .into_iter()
                    .collect()
            }
            Framework::FastApi | Framework::Flask | Framework::Django | Framework::Aiohttp => {
                let dots = module.chars().take_while(|&c| c == '.').count();
                let rest = module[dots..].replace('.', "/");
                if dots > 0 {
                    let mut dir = here.to_string();
                    for _ in 1..dots {
                        dir = dir_of(&dir).to_string();
                    }
                    let base = normalize(&format!("{dir}/{rest}"));
                    [format!("{base}.py"), format!("{base}/__init__.py")]
                        .iter()
                        .find_map(|c| exists(c))
                        .into_iter()
                        .collect()
                } else {
                    let mut found = by_suffix(&format!("{rest}.py"));
                    if found.is_empty() {
                        found = by_suffix(&format!("{rest}/__init__.py"));
                    }
                    found
                }
            }
            Framework::Axum | Framework::ActixWeb | Framework::Rocket => {
                let mut segments: Vec<&str> =
                    module.split("::").filter(|s| !s.is_empty()).collect();
                let file_name = from_path.rsplit('/').next().unwrap_or("");
                let is_module_root = matches!(file_name, "main.rs" | "lib.rs" | "mod.rs");
                let mut dir = if is_module_root {
                    here.to_string()
                } else {
                    format!("{here}/{}", file_name.trim_end_matches(".rs"))
                };
                match segments.first() {
                    Some(&"crate") => {
                        segments.remove(0);
                        let src = from_path
                            .rfind("/src/")
                            .map(|at| &from_path[..at + 4])
                            .or_else(|| from_path.starts_with("src/").then_some("src"))
                            .unwrap_or(here);
                        dir = src.to_string();
                    }
                    Some(&"self") => {
                        segments.remove(0);
                    }
                    _ => {}
                }
                while segments.first() == Some(&"super") {
                    segments.remove(0);
                    dir = dir_of(&dir).to_string();
                }
                if segments.is_empty() {
                    return exists(from_path).into_iter().collect();
                }
                let rest = segments.join("/");
                let base = normalize(&format!("{dir}/{rest}"));
                let direct: Vec<usize> = [format!("{base}.rs"), format!("{base}/mod.rs")]
                    .iter()
                    .find_map(|c| exists(c))
                    .into_iter()
                    .collect();
                if !direct.is_empty() {
                    return direct;
                }
                let mut found = by_suffix(&format!("{rest}.rs"));
                if found.is_empty() {
                    found = by_suffix(&format!("{rest}/mod.rs"));
                }
                found
            }
        }
    }

    /// Every route below `start`, with prefixes and markers joined.
    fn walk(
        &self,
        start: Node<'a>,
        prefix: &str,
        edges: &Edges<'a>,
        reached: &mut BTreeSet<(usize, usize)>,
    ) -> Vec<Route> {
        let mut out = Vec::new();
        let mut stack: Vec<(Node<'a>, String, Vec<String>, Vec<Node<'a>>)> =
            vec![(start, prefix.to_string(), Vec::new(), Vec::new())];
        while let Some((node, prefix, mut markers, mut seen)) = stack.pop() {
            if seen.contains(&node) || seen.len() > MAX_MOUNT_DEPTH {
                continue;
            }
            seen.push(node);
            match node {
                Node::Router(file, name) => {
                    let Some(facts) = self.service[file] else {
                        continue;
                    };
                    let router = facts.routers.iter().find(|r| r.name == name);
                    let own_prefix = match (router, seen.len()) {
                        // The start's prefix was applied by the caller.
                        (_, 1) => prefix.clone(),
                        (Some(r), _) => join_path(&prefix, &r.prefix),
                        (None, _) => prefix.clone(),
                    };
                    markers.extend(router_markers(facts, name));
                    for (index, route) in facts.routes.iter().enumerate() {
                        if route.router.as_deref() == Some(name) {
                            reached.insert((file, index));
                            out.push(self.route(file, route, &own_prefix, &markers));
                        }
                    }
                    for (mount_prefix, mount_markers, child) in
                        edges.get(&node).map(Vec::as_slice).unwrap_or(&[])
                    {
                        let mut child_markers = markers.clone();
                        child_markers.extend(mount_markers.iter().cloned());
                        stack.push((
                            *child,
                            join_path(&own_prefix, mount_prefix),
                            child_markers,
                            seen.clone(),
                        ));
                    }
                }
                Node::Handler(file, handler) => {
                    let Some(facts) = self.service[file] else {
                        continue;
                    };
                    for (index, route) in facts.routes.iter().enumerate() {
                        if route.router.is_none() && route.handler.as_deref() == Some(handler) {
                            reached.insert((file, index));
                            out.push(self.route(file, route, &prefix, &markers));
                        }
                    }
                }
            }
        }
        out
    }

    fn route(&self, file: usize, fact: &RouteFact, prefix: &str, chain: &[String]) -> Route {
        let mut markers = fact.markers.clone();
        markers.extend(chain.iter().cloned());
        let mut methods = fact.methods.clone();
        if let Some(handler) = &fact.handler {
            if let Some(definition) = self.handler_fact(file, handler) {
                markers.extend(definition.markers.iter().cloned());
                // A view class answers only the methods it defines.
                if let Some(view) = &definition.view_methods {
                    let on_item = fact
                        .path
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .is_some_and(is_param_segment);
                    let answers = if on_item {
                        &view.item
                    } else {
                        &view.collection
                    };
                    methods.retain(|m| answers.contains(m));
                }
            }
        }
        // A Nest handler is a method: name it with its controller.
        let handler = match (&fact.handler, &fact.router) {
            (Some(method), Some(controller)) if fact.framework == Framework::NestJs => {
                Some(format!("{controller}.{method}"))
            }
            _ => fact.handler.clone(),
        };
        Route {
            framework: fact.framework,
            methods,
            path: join_route(prefix, &fact.path, fact.framework),
            handler,
            markers,
            status: fact.status,
            params: fact.params.clone(),
            collection_reads: fact.collection_reads.clone(),
            mounted: true,
            location: fact.location.clone(),
        }
    }

    /// A handler's definition: in the same file first, else the one
    /// definition of that name elsewhere.
    fn handler_fact(&self, file: usize, handler: &str) -> Option<&'a HandlerFact> {
        let name = handler.rsplit(['.', ':']).next().unwrap_or(handler);
        if let Some(facts) = self.service[file] {
            if let Some(found) = facts.handlers.iter().find(|h| h.name == name) {
                return Some(found);
            }
        }
        let found: Vec<&'a HandlerFact> = self
            .service
            .iter()
            .flatten()
            .flat_map(|f| f.handlers.iter())
            .filter(|h| h.name == name)
            .collect();
        match found.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    fn service_at(
        &self,
        root: &str,
        routes: Vec<Route>,
        entry: Option<Location>,
        deepest: &dyn Fn(&str) -> String,
        model: &ServiceModel,
    ) -> Service {
        let mine = |path: &str| deepest(path) == root;
        let mut service = Service {
            name: String::new(),
            root: root.to_string(),
            entry,
            manifests: Vec::new(),
            frameworks: Vec::new(),
            routes,
            signals: Vec::new(),
            middleware: Vec::new(),
            dependencies: Vec::new(),
            libraries: BTreeMap::new(),
            datastores: Vec::new(),
            dockerfiles: Vec::new(),
            compose: Vec::new(),
            workloads: Vec::new(),
            ingresses: Vec::new(),
            specs: Vec::new(),
            files: Vec::new(),
            outbound: Vec::new(),
            operations: Vec::new(),
            prints: Vec::new(),
        };
        let mut frameworks: BTreeSet<Framework> =
            service.routes.iter().map(|r| r.framework).collect();
        let mut packages: BTreeSet<String> = BTreeSet::new();
        let mut manifest_location = None;
        for facts in self.files.iter().filter(|f| mine(&f.path)) {
            service.outbound.extend(facts.outbound.iter().cloned());
            if let Some(operations) = &facts.operations {
                service
                    .operations
                    .extend(operations.signals.iter().cloned());
                service.prints.extend(operations.prints.iter().cloned());
            }
            if let Some(manifest) = &facts.manifest {
                service.manifests.push((facts.path.clone(), manifest.kind));
                if service.name.is_empty() {
                    service.name = manifest.name.clone().unwrap_or_default();
                }
                manifest_location.get_or_insert_with(|| manifest.location.clone());
                service
                    .dependencies
                    .extend(manifest.dependencies.iter().cloned());
                packages.extend(manifest.dependencies.iter().cloned());
            }
            if let Some(facts_service) = &facts.service {
                service.files.push(facts.path.clone());
                service
                    .signals
                    .extend(facts_service.signals.iter().cloned());
                service
                    .middleware
                    .extend(facts_service.middleware.iter().cloned());
                frameworks.extend(facts_service.routers.iter().map(|r| r.framework));
                packages.extend(facts_service.imports.iter().map(|m| package_of(m)));
            }
        }
        if service.name.is_empty() {
            service.name = root.rsplit('/').next().unwrap_or(root).to_string();
        }
        if service.name.is_empty() {
            service.name = ".".to_string();
        }
        if service.entry.is_none() {
            service.entry = manifest_location;
        }
        service.frameworks = frameworks.into_iter().collect();
        service.dependencies.sort();
        service.dependencies.dedup();
        for package in &packages {
            for role in library_roles(package) {
                let list = service.libraries.entry(role.to_string()).or_default();
                if !list.contains(package) {
                    list.push(package.clone());
                }
            }
        }
        let mut stores: BTreeSet<&'static str> =
            packages.iter().filter_map(|p| datastore_of(p)).collect();
        service.dockerfiles = model
            .dockerfiles
            .iter()
            .filter(|(path, _)| mine(path))
            .cloned()
            .collect();
        // Compose services built from this service's directory, and the
        // datastores beside them.
        for facts in self.files {
            let Some(deploy) = &facts.deploy else {
                continue;
            };
            let here = dir_of(&facts.path);
            let built_here: Vec<&ComposeServiceFact> = deploy
                .compose
                .iter()
                .filter(|c| {
                    c.build
                        .as_deref()
                        .is_some_and(|b| deepest(&normalize(&format!("{here}/{b}"))) == root)
                })
                .collect();
            if built_here.is_empty() {
                continue;
            }
            service
                .compose
                .extend(built_here.iter().map(|c| (*c).clone()));
            // Connection URLs in the compose file configure what it runs.
            stores.extend(facts.datastores.iter().map(|d| d.store));
            stores.extend(
                deploy
                    .compose
                    .iter()
                    .filter_map(|c| c.image.as_deref())
                    .filter_map(datastore_of),
            );
        }
        let names: BTreeSet<String> = [
            service.name.clone(),
            root.rsplit('/').next().unwrap_or("").to_string(),
        ]
        .into_iter()
        .chain(service.compose.iter().map(|c| c.name.clone()))
        .filter(|n| !n.is_empty())
        .collect();
        let image_name = |image: &str| -> String {
            image
                .rsplit('/')
                .next()
                .unwrap_or(image)
                .split([':', '@'])
                .next()
                .unwrap_or("")
                .to_string()
        };
        for workload in &model.workloads {
            let matches = names.contains(&workload.name)
                || workload
                    .containers
                    .iter()
                    .any(|c| names.contains(&c.name) || names.contains(&image_name(&c.image)));
            if matches {
                service.workloads.push(workload.clone());
            }
        }
        for ingress in &model.ingresses {
            if ingress.backends.iter().any(|b| names.contains(b))
                || service
                    .workloads
                    .iter()
                    .any(|w| ingress.backends.contains(&w.name))
            {
                service.ingresses.push(ingress.clone());
            }
        }
        // Datastores deployed beside the service on Kubernetes: workloads
        // in its tree, or anywhere when the repository has one service root.
        let single_root = self.roots.len() <= 1;
        for workload in &model.workloads {
            if single_root || mine(&workload.location.path) {
                stores.extend(
                    workload
                        .containers
                        .iter()
                        .filter_map(|c| datastore_of(&c.image)),
                );
            }
        }
        // Connection URLs, backends and providers: in the service's own
        // files, in the manifests of its workloads, and in the deployment
        // files of a one-service repository.
        for facts in self.files {
            let runs_here = service
                .workloads
                .iter()
                .any(|w| w.location.path == facts.path);
            if mine(&facts.path) || runs_here || (single_root && facts.deploy.is_some()) {
                stores.extend(facts.datastores.iter().map(|d| d.store));
            }
        }
        service.specs = model
            .specs
            .iter()
            .filter(|(path, _)| mine(path))
            .map(|(path, _)| path.clone())
            .collect();
        service.datastores = stores.into_iter().map(str::to_string).collect();
        service
    }
}

/// Directories that root a deployable unit: manifests, and Dockerfiles no
/// manifest covers.
fn roots_of(files: &[FileFacts]) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    for facts in files {
        if let Some(manifest) = &facts.manifest {
            if manifest.is_package {
                let mut dir = dir_of(&facts.path);
                // `requirements/base.txt` belongs to the directory above.
                if manifest.kind == ManifestKind::Requirements
                    && dir.rsplit('/').next() == Some("requirements")
                {
                    dir = dir_of(dir);
                }
                roots.insert(dir.to_string());
            }
        }
    }
    let manifest_roots = roots.clone();
    for facts in files {
        if facts
            .deploy
            .as_ref()
            .is_some_and(|d| d.dockerfile.is_some())
        {
            let dir = dir_of(&facts.path);
            if !manifest_roots.iter().any(|r| is_under(r, dir)) {
                roots.insert(dir.to_string());
            }
        }
    }
    roots
}

/// The package an import names: `@nestjs/common` → `@nestjs/common`,
/// `fastapi.security` → `fastapi`, `tower_http::cors` → `tower-http`.
fn package_of(module: &str) -> String {
    if module.starts_with('@') {
        return module.splitn(3, '/').take(2).collect::<Vec<_>>().join("/");
    }
    if module.contains("::") {
        return module.split("::").next().unwrap_or("").replace('_', "-");
    }
    module.split(['.', '/']).next().unwrap_or("").to_string()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_like_servers_join_them() {
        assert_eq!(join_path("/api/v1", "/users"), "/api/v1/users");
        assert_eq!(join_path("/api/v1/", "users/"), "/api/v1/users/");
        assert_eq!(join_path("/users", "/"), "/users");
        assert_eq!(join_path("", ""), "/");
        assert_eq!(
            join_path("api/", "^orders/(?P<pk>[0-9]+)/$"),
            "/api/orders/(?P<pk>[0-9]+)/"
        );
        assert_eq!(join_path("v1", ":id"), "/v1/:id");
    }

    #[test]
    fn routes_serve_requests() {
        assert!(serves("/healthz", "/healthz"));
        assert!(serves("/health/", "/health"));
        assert!(serves("/api/:version/health", "/api/v1/health"));
        assert!(serves("/static/*", "/static/a/b"));
        assert!(!serves("/health", "/healthz"));
        assert!(!serves("/api/health", "/health"));
    }

    #[test]
    fn module_paths() {
        assert_eq!(normalize("src/routes/../lib/./x"), "src/lib/x");
        assert_eq!(package_of("@nestjs/common/decorators"), "@nestjs/common");
        assert_eq!(package_of("fastapi.security"), "fastapi");
        assert_eq!(package_of("tower_http::cors"), "tower-http");
        assert_eq!(package_of("./routes/users"), "");
    }
}
