//! The names `\p{...}` accepts: Go's `unicode` tables (Unicode 15.0.0 in Go
//! 1.25) as Go's `regexp/syntax` looks them up, and the subset C++ RE2 knows.

/// General categories, the keys of Go's `unicode.Categories` (Go 1.25 added
/// `Cn` and `LC`). RE2 knows all of them except `Cn` and `LC`.
pub(super) const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "LC", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me",
    "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
    "Sm", "So", "Z", "Zl", "Zp", "Zs",
];

/// Categories Go knows and RE2 does not.
pub(super) const GO_ONLY_CATEGORIES: &[&str] = &["Cn", "LC"];

/// Go's `unicode.CategoryAliases` (Unicode's PropertyValueAliases.txt `gc`
/// rows): alias, category. RE2 knows none of them.
pub(super) const CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("Cased_Letter", "LC"),
    ("Close_Punctuation", "Pe"),
    ("Combining_Mark", "M"),
    ("Connector_Punctuation", "Pc"),
    ("Control", "Cc"),
    ("Currency_Symbol", "Sc"),
    ("Dash_Punctuation", "Pd"),
    ("Decimal_Number", "Nd"),
    ("Enclosing_Mark", "Me"),
    ("Final_Punctuation", "Pf"),
    ("Format", "Cf"),
    ("Initial_Punctuation", "Pi"),
    ("Letter", "L"),
    ("Letter_Number", "Nl"),
    ("Line_Separator", "Zl"),
    ("Lowercase_Letter", "Ll"),
    ("Mark", "M"),
    ("Math_Symbol", "Sm"),
    ("Modifier_Letter", "Lm"),
    ("Modifier_Symbol", "Sk"),
    ("Nonspacing_Mark", "Mn"),
    ("Number", "N"),
    ("Open_Punctuation", "Ps"),
    ("Other", "C"),
    ("Other_Letter", "Lo"),
    ("Other_Number", "No"),
    ("Other_Punctuation", "Po"),
    ("Other_Symbol", "So"),
    ("Paragraph_Separator", "Zp"),
    ("Private_Use", "Co"),
    ("Punctuation", "P"),
    ("Separator", "Z"),
    ("Space_Separator", "Zs"),
    ("Spacing_Mark", "Mc"),
    ("Surrogate", "Cs"),
    ("Symbol", "S"),
    ("Titlecase_Letter", "Lt"),
    ("Unassigned", "Cn"),
    ("Uppercase_Letter", "Lu"),
    ("cntrl", "Cc"),
    ("digit", "Nd"),
    ("punct", "P"),
];

/// Go's `unicode.Scripts` keys for Unicode 15.0.0 (RE2 knows each by this
/// exact spelling).
pub(super) const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// POSIX classes inside brackets, as Go's `posixGroup` spells them.
pub(super) const POSIX: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Go's `canonicalName`: a leading upper-case letter, then lower case, with
/// `_`, `-` and spaces dropped; bytes outside ASCII letters are kept.
pub(super) fn canonical(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    let mut first = true;
    for &byte in name {
        if matches!(byte, b'_' | b'-' | b' ') {
            continue;
        }
        if first {
            out.push(byte.to_ascii_uppercase());
            first = false;
        } else {
            out.push(byte.to_ascii_lowercase());
        }
    }
    out
}

/// How Go resolves a `\p{name}` (after the `^` negation is stripped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Resolved {
    /// `Any`, `Assigned` or `ASCII` (special-cased by Go).
    Special(&'static str),
    /// A general category, by its table key.
    Category(&'static str),
    /// A script, by its table key.
    Script(&'static str),
    /// A category alias such as `Letter`, with the category it names.
    Alias(&'static str, &'static str),
}

/// Resolves a name as Go 1.25's `unicodeTable` does: canonicalised, then the
/// special names, the categories, the scripts and the category aliases.
pub(super) fn resolve(name: &[u8]) -> Option<Resolved> {
    let key = canonical(name);
    for special in ["Any", "Assigned", "Ascii"] {
        if key == special.as_bytes() {
            return Some(Resolved::Special(special));
        }
    }
    if let Some(category) = CATEGORIES
        .iter()
        .find(|category| canonical(category.as_bytes()) == key)
    {
        return Some(Resolved::Category(category));
    }
    if let Some(script) = SCRIPTS
        .iter()
        .find(|script| canonical(script.as_bytes()) == key)
    {
        return Some(Resolved::Script(script));
    }
    CATEGORY_ALIASES
        .iter()
        .find(|(alias, _)| canonical(alias.as_bytes()) == key)
        .map(|(alias, category)| Resolved::Alias(alias, category))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_follow_go() {
        assert_eq!(canonical(b"__upper case-let ter"), b"Uppercaseletter");
        assert_eq!(canonical(b"greek"), b"Greek");
        assert_eq!(canonical(b"LC"), b"Lc");
        assert_eq!(canonical(b"Old_Italic"), b"Olditalic");
    }

    #[test]
    fn resolution_order_and_misses() {
        assert_eq!(resolve(b"L"), Some(Resolved::Category("L")));
        assert_eq!(resolve(b"lu"), Some(Resolved::Category("Lu")));
        assert_eq!(resolve(b"greek"), Some(Resolved::Script("Greek")));
        assert_eq!(resolve(b"ASCII"), Some(Resolved::Special("Ascii")));
        assert_eq!(resolve(b"Letter"), Some(Resolved::Alias("Letter", "L")));
        assert_eq!(resolve(b"Alphabetic"), None);
        assert_eq!(resolve(b"sc=Greek"), None);
        assert_eq!(resolve(b""), None);
        // Unicode 15.0 counts 161 scripts, plus Common and Inherited.
        assert_eq!(SCRIPTS.len(), 163);
    }
}
