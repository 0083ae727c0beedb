use super::*;
use crate::facts::data::ModelFact;
use crate::facts::sql::{ColumnFact, ConstraintFact, DdlStatement, IndexFact};
use redflag_syntax::FileKind;

fn facts(path: &str, text: &str) -> Option<SchemaFacts> {
    let file = SourceFile::new(path.into(), FileKind::Python, text.into(), None);
    crate::facts::orm::collect(&file)
}

const SHOP: &str = r#"from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from customers.models import Customer


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        db_table = "catalog_category"
        verbose_name_plural = "categories"


class Product(TimeStamped):
    sku = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200, db_index=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    tags = models.ManyToManyField("Tag", blank=True)

    def __str__(self):
        return self.title


class Tag(models.Model):
    label = models.SlugField()


class Order(TimeStamped):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, db_index=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reference = models.CharField(max_length=40, db_column="ref")
    coupon = models.OneToOneField("promotions.Coupon", null=True, on_delete=models.SET_NULL)
    total_cents = models.PositiveIntegerField()

    objects = models.Manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_created_idx"),
            models.Index(fields=["reference"], name="order_open_ref_idx", condition=Q(status="pending")),
            models.Index(Lower("reference"), name="order_ref_lower_idx"),
        ]
        unique_together = ("customer", "reference")
        constraints = [
            models.UniqueConstraint(fields=["customer", "coupon"], name="uniq_customer_coupon"),
            models.CheckConstraint(check=Q(total_cents__gte=0), name="total_non_negative"),
        ]


class PaidOrder(Order):
    class Meta:
        proxy = True


class Invoice(models.Model):
    number = models.CharField(primary_key=True, max_length=20)
    order = models.ForeignKey(Order, on_delete=models.CASCADE)

    class Meta:
        index_together = [["order", "number"]]
"#;

fn table<'a>(
    statements: &'a [DdlStatement],
    name: &str,
) -> (&'a [ColumnFact], &'a [ConstraintFact]) {
    statements
        .iter()
        .find_map(|s| match s {
            DdlStatement::CreateTable {
                table,
                columns,
                constraints,
                ..
            } if table == name => Some((columns.as_slice(), constraints.as_slice())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no table {name}: {statements:#?}"))
}

fn indexes<'a>(statements: &'a [DdlStatement], name: &str) -> Vec<&'a IndexFact> {
    statements
        .iter()
        .filter_map(|s| match s {
            DdlStatement::CreateIndex(index) if index.table == name => Some(index),
            _ => None,
        })
        .collect()
}

fn names(columns: &[ColumnFact]) -> Vec<&str> {
    columns.iter().map(|c| c.name.as_str()).collect()
}

fn model<'a>(facts: &'a SchemaFacts, name: &str) -> &'a ModelFact {
    facts
        .models
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no model {name}"))
}

#[test]
fn tables_follow_djangos_naming_and_inheritance() {
    let found = facts("shop/models.py", SHOP).expect("facts");
    assert_eq!(found.source, SchemaSource::DjangoModel);
    let tables: Vec<&str> = found
        .statements
        .iter()
        .filter_map(|s| match s {
            DdlStatement::CreateTable { table, .. } => Some(table.as_str()),
            _ => None,
        })
        .collect();
    // No table for the abstract base, the choices enum or the proxy; one
    // for the many-to-many relation.
    assert_eq!(
        tables,
        [
            "catalog_category",
            "shop_product",
            "shop_product_tags",
            "shop_tag",
            "shop_order",
            "shop_invoice"
        ]
    );
    let (columns, _) = table(&found.statements, "shop_product");
    assert_eq!(
        names(columns),
        [
            "id",
            "created_at",
            "updated_at",
            "sku",
            "title",
            "category_id"
        ]
    );
    assert!(columns[0].primary_key && columns[0].has_default);
    assert!(columns[3].unique && columns[3].not_null);
    let category = columns[5].foreign_key.as_ref().expect("fk");
    assert_eq!(category.referenced_table, "catalog_category");
    assert_eq!(category.location.start.line, 34);

    let (columns, _) = table(&found.statements, "catalog_category");
    let parent = columns[2].foreign_key.as_ref().expect("self fk");
    assert_eq!(parent.referenced_table, "catalog_category");
    assert!(!columns[2].not_null, "null=True");

    let product_indexes = indexes(&found.statements, "shop_product");
    let columns_of = |list: &[&IndexFact]| -> Vec<Vec<Option<String>>> {
        list.iter().map(|i| i.columns.clone()).collect()
    };
    assert_eq!(
        columns_of(&product_indexes),
        [
            vec![Some("title".to_string())],
            vec![Some("category_id".to_string())]
        ]
    );
}

#[test]
fn relations_get_id_columns_indexes_and_their_targets() {
    let found = facts("shop/models.py", SHOP).expect("facts");
    let (columns, constraints) = table(&found.statements, "shop_order");
    assert_eq!(
        names(columns),
        [
            "id",
            "created_at",
            "updated_at",
            "customer_id",
            "placed_by_id",
            "status",
            "ref",
            "coupon_id",
            "total_cents"
        ]
    );
    let target = |i: usize| {
        columns[i]
            .foreign_key
            .as_ref()
            .map(|f| f.referenced_table.as_str())
    };
    assert_eq!(target(3), Some("customers_customer"), "imported model");
    assert_eq!(target(4), Some("auth_user"), "the user model");
    assert_eq!(target(7), Some("promotions_coupon"), "app.Model string");
    assert!(columns[7].unique, "one-to-one");
    assert!(columns[5].has_default && columns[5].not_null);
    assert_eq!(
        constraints,
        [
            ConstraintFact::Unique {
                name: None,
                columns: vec!["customer_id".into(), "ref".into()]
            },
            ConstraintFact::Unique {
                name: Some("uniq_customer_coupon".into()),
                columns: vec!["customer_id".into(), "coupon_id".into()]
            },
            ConstraintFact::Check {
                name: Some("total_non_negative".into())
            },
        ]
    );
    let order_indexes = indexes(&found.statements, "shop_order");
    let summary: Vec<_> = order_indexes
        .iter()
        .map(|i| (i.name.as_deref(), i.columns.clone(), i.partial))
        .collect();
    // The customer key is indexed by Django; `db_index=False` and the
    // unique one-to-one are not.
    assert_eq!(
        summary,
        [
            (None, vec![Some("customer_id".to_string())], false),
            (
                Some("order_status_created_idx"),
                vec![Some("status".to_string()), Some("created_at".to_string())],
                false
            ),
            (
                Some("order_open_ref_idx"),
                vec![Some("ref".to_string())],
                true
            ),
            (Some("order_ref_lower_idx"), vec![None], false),
        ]
    );

    let (columns, constraints) = table(&found.statements, "shop_product_tags");
    assert_eq!(names(columns), ["id", "product_id", "tag_id"]);
    assert_eq!(
        columns[2]
            .foreign_key
            .as_ref()
            .map(|f| f.referenced_table.as_str()),
        Some("shop_tag")
    );
    assert_eq!(
        constraints,
        [ConstraintFact::Unique {
            name: None,
            columns: vec!["product_id".into(), "tag_id".into()]
        }]
    );

    let (columns, _) = table(&found.statements, "shop_invoice");
    assert_eq!(names(columns), ["number", "order_id"], "no implicit id");
    assert!(columns[0].primary_key);
    assert_eq!(
        indexes(&found.statements, "shop_invoice")
            .iter()
            .map(|i| i.columns.clone())
            .collect::<Vec<_>>(),
        [
            vec![Some("order_id".to_string())],
            vec![Some("order_id".to_string()), Some("number".to_string())]
        ]
    );
}

#[test]
fn models_map_attributes_to_columns() {
    let found = facts("shop/models.py", SHOP).expect("facts");
    let order = model(&found, "Order");
    assert_eq!(order.table, "shop_order");
    let column = |attribute: &str| {
        order
            .fields
            .iter()
            .find(|(a, _)| a == attribute)
            .map(|(_, c)| c.as_str())
    };
    assert_eq!(column("customer"), Some("customer_id"));
    assert_eq!(column("customer_id"), Some("customer_id"));
    assert_eq!(column("reference"), Some("ref"));
    assert_eq!(column("created_at"), Some("created_at"));
    assert_eq!(column("pk"), Some("id"));
    assert_eq!(column("objects"), None);
    assert_eq!(order.location.text, "class Order(TimeStamped):");
    assert_eq!(model(&found, "PaidOrder").table, "shop_order", "proxy");
    let invoice = model(&found, "Invoice");
    assert!(invoice.fields.contains(&("pk".into(), "number".into())));
    assert!(found
        .models
        .iter()
        .all(|m| m.name != "TimeStamped" && m.name != "Status"));
}

#[test]
fn models_packages_labels_and_concrete_inheritance() {
    let text = r#"from django.db import models

from .base import SoftDeleteModel


class Place(models.Model):
    name = models.CharField(max_length=50)


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)


class Stamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["created_at"], name="%(class)s_created_idx")]


class Review(SoftDeleteModel, Stamped):
    place = models.ForeignKey("Place", on_delete=models.CASCADE)
    body = models.TextField()
    created_at = models.DateTimeField(null=True)

    class Meta:
        app_label = "reviews"
"#;
    let found = facts("src/apps/places/models/venues.py", text).expect("facts");
    let (columns, _) = table(&found.statements, "places_restaurant");
    assert_eq!(names(columns), ["place_ptr_id", "serves_pizza"]);
    assert!(columns[0].primary_key);
    assert_eq!(
        columns[0]
            .foreign_key
            .as_ref()
            .map(|f| f.referenced_table.as_str()),
        Some("places_place")
    );
    // A base from another module: the fields still make it a model.
    let (columns, _) = table(&found.statements, "reviews_review");
    assert_eq!(names(columns), ["id", "place_id", "body", "created_at"]);
    assert!(!columns[3].not_null, "the redeclared field wins");
    // Its own `Meta` replaces the abstract parent's, indexes included.
    assert!(indexes(&found.statements, "reviews_review")
        .iter()
        .all(|i| i.name.is_none()));
    assert_eq!(
        columns[1]
            .foreign_key
            .as_ref()
            .map(|f| f.referenced_table.as_str()),
        Some("places_place")
    );
}

#[test]
fn modules_that_are_not_models_give_nothing() {
    let forms = r#"from django import forms

from .models import Order


class OrderForm(forms.ModelForm):
    note = forms.CharField(required=False)

    class Meta:
        model = Order
        fields = ["status"]
"#;
    assert!(facts("shop/forms.py", forms).is_none());
    // A models module of a non-Django project is not read as Django.
    let plain = "from dataclasses import dataclass\n\n\n@dataclass\nclass Point:\n    x: int\n";
    assert!(facts("geometry/models.py", plain).is_none());
    let managers = "from django.db import models\n\n\nclass OrderQuerySet(models.QuerySet):\n    def paid(self):\n        return self.filter(status=\"paid\")\n";
    assert!(facts("shop/models/managers.py", managers).is_none());
}
