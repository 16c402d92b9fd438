//! The types of values, and how messages name them.

use std::fmt;

use crate::ast::ParamType;

/// The type of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// One CIDR or IP.
    Cidr,
    /// A list of CIDRs.
    Cidrs,
    /// One port.
    Port,
    /// A list of ports.
    Ports,
    /// One string.
    String,
    /// A list of strings.
    Strings,
    /// A label selector.
    Selector,
    /// A bare name.
    Name,
    /// `[]`, which fits any list.
    EmptyList,
}

impl Ty {
    /// The type with an article, as messages say it: "a CIDR list".
    pub fn describe(self) -> &'static str {
        match self {
            Ty::Cidr => "a CIDR",
            Ty::Cidrs => "a CIDR list",
            Ty::Port => "a port",
            Ty::Ports => "a port list",
            Ty::String => "a string",
            Ty::Strings => "a string list",
            Ty::Selector => "a label selector",
            Ty::Name => "a name",
            Ty::EmptyList => "an empty list",
        }
    }

    /// What a slot of this type accepts, for "expected ..." messages: a
    /// slot for a list also takes one element, so it is named by the element.
    pub fn describe_slot(self) -> &'static str {
        match self {
            Ty::Cidrs => "a CIDR",
            Ty::Ports => "a port",
            Ty::Strings => "a string",
            other => other.describe(),
        }
    }

    /// The type a parameter declares.
    pub fn of_param(ty: ParamType) -> Ty {
        match ty {
            ParamType::Cidr => Ty::Cidr,
            ParamType::Cidrs => Ty::Cidrs,
            ParamType::Port => Ty::Port,
            ParamType::Ports => Ty::Ports,
            ParamType::String => Ty::String,
            ParamType::Strings => Ty::Strings,
            ParamType::Selector => Ty::Selector,
        }
    }

    /// True when a value of type `self` may stand where `expected` is wanted.
    pub fn fits(self, expected: Ty) -> bool {
        self == expected
            || matches!(
                (self, expected),
                (Ty::Cidr, Ty::Cidrs)
                    | (Ty::Port, Ty::Ports)
                    | (Ty::String, Ty::Strings)
                    | (Ty::Name, Ty::String)
                    | (Ty::Name, Ty::Strings)
                    | (Ty::String, Ty::Name)
                    | (Ty::EmptyList, Ty::Cidrs | Ty::Ports | Ty::Strings)
            )
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}
