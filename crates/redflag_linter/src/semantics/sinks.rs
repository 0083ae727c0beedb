//! Reading a sink call: its callee after imports, its arguments and
//! options, the literal text of an argument, and whether request data
//! reaches it inside a request handler.
//!
//! Injection rules share one shape: a call to a dangerous API (`os.system`,
//! `eval`, `pickle.loads`, `Tera::one_off`) is reported only when one of
//! its arguments is built from what the client sent, in the handler that
//! makes the call. The handler comes from [`super::handlers`], the data
//! flow from [`super::request_data`]; this module holds the argument
//! plumbing the rules would otherwise each write again.

use std::rc::Rc;

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use super::handlers::{enclosing_handler, Handler};
use super::request_data::{request_flow, Origin, RequestFlow};
use super::{callee_path, compact, walk};
use crate::source::SourceFile;

/// The request data of the handler around a sink.
pub struct SinkScope<'t> {
    pub handler: Handler<'t>,
    flow: Rc<RequestFlow>,
}

impl SinkScope<'_> {
    /// Where the request data in `expression` comes from, if any.
    #[must_use]
    pub fn origin(&self, file: &SourceFile, expression: Node<'_>) -> Option<Origin> {
        self.flow.origin(file, expression)
    }
}

/// The handler around a node whose ancestors (outermost first) are given,
/// with its request flow; `None` outside handlers and in handlers that read
/// nothing from the request.
#[must_use]
pub fn sink_scope<'t>(file: &SourceFile, ancestors: &[Node<'t>]) -> Option<SinkScope<'t>> {
    let handler = enclosing_handler(file, ancestors)?;
    let flow = request_flow(file, &handler);
    if flow.is_empty() && file.kind.language() == Some(Language::Rust) {
        // Rust handlers get request data only through extractors.
        return None;
    }
    Some(SinkScope { handler, flow })
}

/// The callee of a call as written and after imports: `(sp.run,
/// subprocess.run)`, `(Command::new, std::process::Command::new)`. For a
/// `new` expression, the constructor.
#[must_use]
pub fn callee(file: &SourceFile, language: Language, call: Node<'_>) -> Option<(String, String)> {
    let written = if call.kind() == "new_expression" {
        let constructor = call.child_by_field_name("constructor")?;
        super::name_path(file, language, constructor)?
    } else {
        let function = call.child_by_field_name("function")?;
        // `engine.eval::<i64>(…)`: the generic method itself.
        if function.kind() == "generic_function" {
            let inner = function.child_by_field_name("function")?;
            super::name_path(file, language, inner).unwrap_or_else(|| compact(file.text_of(inner)))
        } else {
            callee_path(file, language, call)?
        }
    };
    let resolved = file.imports().resolve(&written);
    Some((written, resolved))
}

/// The method name of a method call (`x.load(…)` → `load`), whatever the
/// receiver is; `None` for plain function calls.
#[must_use]
pub fn method_name<'f>(file: &'f SourceFile, call: Node<'_>) -> Option<&'f str> {
    let mut function = call.child_by_field_name("function")?;
    if function.kind() == "generic_function" {
        function = function.child_by_field_name("function")?;
    }
    let field = match function.kind() {
        "attribute" => function.child_by_field_name("attribute"),
        "member_expression" => function.child_by_field_name("property"),
        "field_expression" => function.child_by_field_name("field"),
        _ => None,
    }?;
    Some(file.text_of(field))
}

/// The receiver of a method call (`env` in `env.from_string(…)`).
#[must_use]
pub fn receiver(call: Node<'_>) -> Option<Node<'_>> {
    let mut function = call.child_by_field_name("function")?;
    if function.kind() == "generic_function" {
        function = function.child_by_field_name("function")?;
    }
    match function.kind() {
        "attribute" | "member_expression" => function.child_by_field_name("object"),
        "field_expression" => function.child_by_field_name("value"),
        _ => None,
    }
}

/// The arguments of a call, without comments.
#[must_use]
pub fn arguments(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(list) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|a| !matches!(a.kind(), "comment" | "line_comment" | "block_comment"))
        .collect()
}

/// The positional arguments of a call: Python keyword arguments and
/// splats, and JS spreads, left out.
#[must_use]
pub fn positionals(call: Node<'_>) -> Vec<Node<'_>> {
    arguments(call)
        .into_iter()
        .filter(|a| {
            !matches!(
                a.kind(),
                "keyword_argument" | "dictionary_splat" | "list_splat" | "spread_element"
            )
        })
        .collect()
}

/// The positional argument at `index`.
#[must_use]
pub fn positional(call: Node<'_>, index: usize) -> Option<Node<'_>> {
    positionals(call).into_iter().nth(index)
}

/// The value of Python keyword argument `name`.
#[must_use]
pub fn keyword<'t>(file: &SourceFile, call: Node<'t>, name: &str) -> Option<Node<'t>> {
    arguments(call).into_iter().find_map(|a| {
        (a.kind() == "keyword_argument"
            && a.child_by_field_name("name")
                .is_some_and(|n| file.text_of(n) == name))
        .then(|| a.child_by_field_name("value"))
        .flatten()
    })
}

/// A Python argument given by position or by keyword.
#[must_use]
pub fn argument<'t>(
    file: &SourceFile,
    call: Node<'t>,
    index: usize,
    name: &str,
) -> Option<Node<'t>> {
    positional(call, index).or_else(|| keyword(file, call, name))
}

/// The value of property `key` of a JS object literal.
#[must_use]
pub fn property<'t>(file: &SourceFile, object: Node<'t>, key: &str) -> Option<Node<'t>> {
    if object.kind() != "object" {
        return None;
    }
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .find_map(|member| match member.kind() {
            "pair" => member
                .child_by_field_name("key")
                .filter(|k| file.text_of(*k).trim_matches(['"', '\'']) == key)
                .and_then(|_| member.child_by_field_name("value")),
            "shorthand_property_identifier" if file.text_of(member) == key => Some(member),
            _ => None,
        });
    found
}

/// The text of a string literal without holes (`"sh"`, `'-c'`,
/// `` `bash` ``, `r"cmd"`), `None` for anything else.
#[must_use]
pub fn literal_text<'f>(file: &'f SourceFile, node: Node<'_>) -> Option<&'f str> {
    match node.kind() {
        "string" | "template_string" | "string_literal" | "raw_string_literal" => {}
        _ => return None,
    }
    let mut cursor = node.walk();
    let mut content = None;
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_content" | "string_fragment" => {
                if content.is_some() {
                    return None;
                }
                content = Some(file.text_of(child));
            }
            "string_start" | "string_end" | "escape_sequence" => {}
            _ => return None,
        }
    }
    Some(content.unwrap_or(""))
}

/// The value last bound to local `name` in `function` before byte
/// `before` (`args = ["convert", name]`, `const argv = [...]`,
/// `let mut cmd = Command::new("sh")`): what a sink's argument held when
/// it was passed by name. Destructured bindings give `None`.
#[must_use]
pub fn local_value<'t>(
    file: &SourceFile,
    function: Node<'t>,
    name: &str,
    before: usize,
) -> Option<Node<'t>> {
    binding_before(file, function, name, before)
        .filter(|b| !b.destructured)
        .map(|b| b.value)
}

/// The last value bound to `name` inside `scope` before byte `before`.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'t> {
    /// The right-hand side.
    pub value: Node<'t>,
    /// True when `name` is one of several names a pattern took apart
    /// (`const { user } = req.body`, `let Json(body) = …`): the value is
    /// the whole that the name is a piece of.
    pub destructured: bool,
}

/// The binding of `name` that reaches byte `before` in `scope`: the last
/// assignment or declaration above it (Python `=`/`:=`, JS `const`/`let`/
/// `=`, Rust `let`).
#[must_use]
pub fn binding_before<'t>(
    file: &SourceFile,
    scope: Node<'t>,
    name: &str,
    before: usize,
) -> Option<Binding<'t>> {
    let mut last: Option<Binding<'t>> = None;
    walk(scope, |node| {
        if node.start_byte() >= before {
            return false;
        }
        let (target, value) = match node.kind() {
            "assignment" | "assignment_expression" => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            "named_expression" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "let_declaration" => (
                node.child_by_field_name("pattern"),
                node.child_by_field_name("value"),
            ),
            _ => (None, None),
        };
        if let (Some(target), Some(value)) = (target, value) {
            if value.end_byte() <= before {
                // `let mut hasher = …` binds one name, like `hasher = …`.
                let plain = match target.kind() {
                    "identifier" => Some(target),
                    "mut_pattern" => target.named_child(0).filter(|n| n.kind() == "identifier"),
                    _ => None,
                };
                if plain.is_some_and(|t| file.text_of(t) == name) {
                    last = Some(Binding {
                        value,
                        destructured: false,
                    });
                } else if plain.is_none() && pattern_binds(file, target, name) {
                    last = Some(Binding {
                        value,
                        destructured: true,
                    });
                }
            }
        }
        true
    });
    last
}

/// True when a destructuring pattern binds `name` (not as a key only).
fn pattern_binds(file: &SourceFile, pattern: Node<'_>, name: &str) -> bool {
    let mut found = false;
    walk(pattern, |node| {
        if found {
            return false;
        }
        match node.kind() {
            "identifier"
            | "shorthand_property_identifier_pattern"
            | "shorthand_field_identifier" => {
                if file.text_of(node) == name {
                    // `{ key: local }`: the key is a property identifier,
                    // not an identifier, so any identifier here binds.
                    found = true;
                }
                false
            }
            // `obj.attr = …` is not a binding of `attr`.
            "attribute" | "member_expression" | "field_expression" | "subscript" => false,
            _ => true,
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    fn first_call<'t>(file: &'t SourceFile, kind: &str) -> Node<'t> {
        let mut found = None;
        walk(file.tree().unwrap().root_node(), |n| {
            if found.is_none() && n.kind() == kind {
                found = Some(n);
            }
            true
        });
        found.unwrap()
    }

    #[test]
    fn python_arguments_by_position_and_keyword() {
        let file = SourceFile::new(
            "app/x.py".into(),
            FileKind::Python,
            "from subprocess import run as r\nr('ls', check=True, shell=True)\n".into(),
            None,
        );
        let call = first_call(&file, "call");
        assert_eq!(
            callee(&file, Language::Python, call),
            Some(("r".to_string(), "subprocess.run".to_string()))
        );
        assert_eq!(
            literal_text(&file, positional(call, 0).unwrap()),
            Some("ls")
        );
        assert_eq!(file.text_of(keyword(&file, call, "shell").unwrap()), "True");
        assert!(positional(call, 1).is_none());
    }

    #[test]
    fn literal_text_refuses_strings_with_holes() {
        let file = SourceFile::new(
            "src/x.ts".into(),
            FileKind::TypeScript,
            "spawn(`sh`, ['-c', `ls ${dir}`], { shell: true });\n".into(),
            None,
        );
        let call = first_call(&file, "call_expression");
        assert_eq!(
            literal_text(&file, positional(call, 0).unwrap()),
            Some("sh")
        );
        let array = positional(call, 1).unwrap();
        assert_eq!(
            literal_text(&file, array.named_child(0).unwrap()),
            Some("-c")
        );
        assert_eq!(literal_text(&file, array.named_child(1).unwrap()), None);
        let options = positional(call, 2).unwrap();
        assert_eq!(
            file.text_of(property(&file, options, "shell").unwrap()),
            "true"
        );
    }
}
