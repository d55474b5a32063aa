//! User input rules for enrollment and set-up (authentik's username rules).

use serde::{Deserialize, Serialize};

/// The signed-in account of a request (authentik's `request.user`): who acts, with the standing the
/// rules check (superuser, type, path, groups, roles). Services take it; pages show it (`model::CurrentUser`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Integer primary key.
    pub pk: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Admin rights.
    pub is_superuser: bool,
    /// `internal` or `external`.
    pub user_type: super::flow::UserType,
    /// User path, e.g. `users/external`.
    pub path: String,
    /// Group names, sorted.
    pub groups: Vec<String>,
    /// Role names, sorted.
    pub roles: Vec<String>,
    /// The account's preferred language (`attributes.settings.locale`, where authentik keeps it), when
    /// it names one Usher speaks.
    #[serde(default)]
    pub locale: Option<crate::i18n::Locale>,
}

/// Rows per page of Directory → Users.
pub const USERS_PAGE_SIZE: u64 = 50;

/// Maximum username length (authentik: 150).
pub const USERNAME_MAX: usize = 150;
/// Minimum password length of Usher's default password policy.
pub const PASSWORD_MIN: usize = 8;
/// The longest password Usher hashes, bytes: argon2 takes any length, but hashing megabytes per guess
/// is work nobody should be able to ask for (issue 12 items 6 and 10).
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// Why a username is refused; the message is the form's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum UsernameError {
    /// Empty after trimming.
    #[error("Username is required.")]
    Required,
    /// Longer than [`USERNAME_MAX`] characters.
    #[error("Username must be at most {USERNAME_MAX} characters.")]
    TooLong,
    /// A character outside authentik's charset.
    #[error("Username may contain only letters, digits and @ . + - _")]
    Characters,
    /// Letters of more than one script (say Latin and Cyrillic), the stuff of look-alikes (UTS #39
    /// §5.1: a username must be single-script).
    #[error("Username may not mix letters of different scripts (such as Latin and Cyrillic).")]
    MixedScripts,
}

/// Why a new password is refused; the message is the form's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PasswordError {
    /// The repetition differs.
    #[error("Passwords do not match.")]
    Mismatch,
    /// Shorter than the minimum (characters; [`PASSWORD_MIN`] unless the instance asks more).
    #[error("Password must be at least {0} characters.")]
    TooShort(usize),
    /// Longer than [`PASSWORD_MAX_BYTES`] bytes.
    #[error("Password must be at most {PASSWORD_MAX_BYTES} bytes.")]
    TooLong,
    /// Too easy to guess (zxcvbn's score below [`PASSWORD_MIN_SCORE`]), with zxcvbn's advice.
    #[error("This password is too easy to guess. {0}")]
    TooWeak(Advice),
}

/// One piece of advice about a weak password: zxcvbn's warnings and suggestions, as Usher's own values so
/// they can be worded in the invitee's language (catalogue keys `pw-…`, [`PasswordAdvice::key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordAdvice {
    /// zxcvbn's warning `StraightRowsOfKeysAreEasyToGuess`.
    StraightRowsOfKeysAreEasyToGuess,
    /// zxcvbn's warning `ShortKeyboardPatternsAreEasyToGuess`.
    ShortKeyboardPatternsAreEasyToGuess,
    /// zxcvbn's warning `RepeatsLikeAaaAreEasyToGuess`.
    RepeatsLikeAaaAreEasyToGuess,
    /// zxcvbn's warning `RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess`.
    RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
    /// zxcvbn's warning `ThisIsATop10Password`.
    ThisIsATop10Password,
    /// zxcvbn's warning `ThisIsATop100Password`.
    ThisIsATop100Password,
    /// zxcvbn's warning `ThisIsACommonPassword`.
    ThisIsACommonPassword,
    /// zxcvbn's warning `ThisIsSimilarToACommonlyUsedPassword`.
    ThisIsSimilarToACommonlyUsedPassword,
    /// zxcvbn's warning `SequencesLikeAbcAreEasyToGuess`.
    SequencesLikeAbcAreEasyToGuess,
    /// zxcvbn's warning `RecentYearsAreEasyToGuess`.
    RecentYearsAreEasyToGuess,
    /// zxcvbn's warning `AWordByItselfIsEasyToGuess`.
    AWordByItselfIsEasyToGuess,
    /// zxcvbn's warning `DatesAreOftenEasyToGuess`.
    DatesAreOftenEasyToGuess,
    /// zxcvbn's warning `NamesAndSurnamesByThemselvesAreEasyToGuess`.
    NamesAndSurnamesByThemselvesAreEasyToGuess,
    /// zxcvbn's warning `CommonNamesAndSurnamesAreEasyToGuess`.
    CommonNamesAndSurnamesAreEasyToGuess,
    /// zxcvbn's suggestion `UseAFewWordsAvoidCommonPhrases`.
    UseAFewWordsAvoidCommonPhrases,
    /// zxcvbn's suggestion `NoNeedForSymbolsDigitsOrUppercaseLetters`.
    NoNeedForSymbolsDigitsOrUppercaseLetters,
    /// zxcvbn's suggestion `AddAnotherWordOrTwo`.
    AddAnotherWordOrTwo,
    /// zxcvbn's suggestion `CapitalizationDoesntHelpVeryMuch`.
    CapitalizationDoesntHelpVeryMuch,
    /// zxcvbn's suggestion `AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase`.
    AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
    /// zxcvbn's suggestion `ReversedWordsArentMuchHarderToGuess`.
    ReversedWordsArentMuchHarderToGuess,
    /// zxcvbn's suggestion `PredictableSubstitutionsDontHelpVeryMuch`.
    PredictableSubstitutionsDontHelpVeryMuch,
    /// zxcvbn's suggestion `UseALongerKeyboardPatternWithMoreTurns`.
    UseALongerKeyboardPatternWithMoreTurns,
    /// zxcvbn's suggestion `AvoidRepeatedWordsAndCharacters`.
    AvoidRepeatedWordsAndCharacters,
    /// zxcvbn's suggestion `AvoidSequences`.
    AvoidSequences,
    /// zxcvbn's suggestion `AvoidRecentYears`.
    AvoidRecentYears,
    /// zxcvbn's suggestion `AvoidYearsThatAreAssociatedWithYou`.
    AvoidYearsThatAreAssociatedWithYou,
    /// zxcvbn's suggestion `AvoidDatesAndYearsThatAreAssociatedWithYou`.
    AvoidDatesAndYearsThatAreAssociatedWithYou,
    /// zxcvbn's fallback `UncommonWords`.
    UncommonWords,
}

impl PasswordAdvice {
    /// Every piece of advice.
    pub const ALL: [Self; 28] = [
        Self::StraightRowsOfKeysAreEasyToGuess,
        Self::ShortKeyboardPatternsAreEasyToGuess,
        Self::RepeatsLikeAaaAreEasyToGuess,
        Self::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
        Self::ThisIsATop10Password,
        Self::ThisIsATop100Password,
        Self::ThisIsACommonPassword,
        Self::ThisIsSimilarToACommonlyUsedPassword,
        Self::SequencesLikeAbcAreEasyToGuess,
        Self::RecentYearsAreEasyToGuess,
        Self::AWordByItselfIsEasyToGuess,
        Self::DatesAreOftenEasyToGuess,
        Self::NamesAndSurnamesByThemselvesAreEasyToGuess,
        Self::CommonNamesAndSurnamesAreEasyToGuess,
        Self::UseAFewWordsAvoidCommonPhrases,
        Self::NoNeedForSymbolsDigitsOrUppercaseLetters,
        Self::AddAnotherWordOrTwo,
        Self::CapitalizationDoesntHelpVeryMuch,
        Self::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
        Self::ReversedWordsArentMuchHarderToGuess,
        Self::PredictableSubstitutionsDontHelpVeryMuch,
        Self::UseALongerKeyboardPatternWithMoreTurns,
        Self::AvoidRepeatedWordsAndCharacters,
        Self::AvoidSequences,
        Self::AvoidRecentYears,
        Self::AvoidYearsThatAreAssociatedWithYou,
        Self::AvoidDatesAndYearsThatAreAssociatedWithYou,
        Self::UncommonWords,
    ];

    /// The catalogue key of its words.
    pub fn key(self) -> &'static str {
        match self {
            Self::StraightRowsOfKeysAreEasyToGuess => "pw-straight-rows-of-keys-are-easy-to-guess",
            Self::ShortKeyboardPatternsAreEasyToGuess => {
                "pw-short-keyboard-patterns-are-easy-to-guess"
            }
            Self::RepeatsLikeAaaAreEasyToGuess => "pw-repeats-like-aaa-are-easy-to-guess",
            Self::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
                "pw-repeats-like-abc-abc-are-only-slightly-harder-to-guess"
            }
            Self::ThisIsATop10Password => "pw-this-is-a-top-10-password",
            Self::ThisIsATop100Password => "pw-this-is-a-top-100-password",
            Self::ThisIsACommonPassword => "pw-this-is-a-common-password",
            Self::ThisIsSimilarToACommonlyUsedPassword => {
                "pw-this-is-similar-to-a-commonly-used-password"
            }
            Self::SequencesLikeAbcAreEasyToGuess => "pw-sequences-like-abc-are-easy-to-guess",
            Self::RecentYearsAreEasyToGuess => "pw-recent-years-are-easy-to-guess",
            Self::AWordByItselfIsEasyToGuess => "pw-a-word-by-itself-is-easy-to-guess",
            Self::DatesAreOftenEasyToGuess => "pw-dates-are-often-easy-to-guess",
            Self::NamesAndSurnamesByThemselvesAreEasyToGuess => {
                "pw-names-and-surnames-by-themselves-are-easy-to-guess"
            }
            Self::CommonNamesAndSurnamesAreEasyToGuess => {
                "pw-common-names-and-surnames-are-easy-to-guess"
            }
            Self::UseAFewWordsAvoidCommonPhrases => "pw-use-a-few-words-avoid-common-phrases",
            Self::NoNeedForSymbolsDigitsOrUppercaseLetters => {
                "pw-no-need-for-symbols-digits-or-uppercase-letters"
            }
            Self::AddAnotherWordOrTwo => "pw-add-another-word-or-two",
            Self::CapitalizationDoesntHelpVeryMuch => "pw-capitalization-doesnt-help-very-much",
            Self::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
                "pw-all-uppercase-is-almost-as-easy-to-guess-as-all-lowercase"
            }
            Self::ReversedWordsArentMuchHarderToGuess => {
                "pw-reversed-words-arent-much-harder-to-guess"
            }
            Self::PredictableSubstitutionsDontHelpVeryMuch => {
                "pw-predictable-substitutions-dont-help-very-much"
            }
            Self::UseALongerKeyboardPatternWithMoreTurns => {
                "pw-use-a-longer-keyboard-pattern-with-more-turns"
            }
            Self::AvoidRepeatedWordsAndCharacters => "pw-avoid-repeated-words-and-characters",
            Self::AvoidSequences => "pw-avoid-sequences",
            Self::AvoidRecentYears => "pw-avoid-recent-years",
            Self::AvoidYearsThatAreAssociatedWithYou => {
                "pw-avoid-years-that-are-associated-with-you"
            }
            Self::AvoidDatesAndYearsThatAreAssociatedWithYou => {
                "pw-avoid-dates-and-years-that-are-associated-with-you"
            }
            Self::UncommonWords => "pw-uncommon-words",
        }
    }
}

#[cfg(feature = "ssr")]
impl From<zxcvbn::feedback::Warning> for PasswordAdvice {
    fn from(w: zxcvbn::feedback::Warning) -> Self {
        use zxcvbn::feedback::Warning as W;
        match w {
            W::StraightRowsOfKeysAreEasyToGuess => Self::StraightRowsOfKeysAreEasyToGuess,
            W::ShortKeyboardPatternsAreEasyToGuess => Self::ShortKeyboardPatternsAreEasyToGuess,
            W::RepeatsLikeAaaAreEasyToGuess => Self::RepeatsLikeAaaAreEasyToGuess,
            W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
                Self::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess
            }
            W::ThisIsATop10Password => Self::ThisIsATop10Password,
            W::ThisIsATop100Password => Self::ThisIsATop100Password,
            W::ThisIsACommonPassword => Self::ThisIsACommonPassword,
            W::ThisIsSimilarToACommonlyUsedPassword => Self::ThisIsSimilarToACommonlyUsedPassword,
            W::SequencesLikeAbcAreEasyToGuess => Self::SequencesLikeAbcAreEasyToGuess,
            W::RecentYearsAreEasyToGuess => Self::RecentYearsAreEasyToGuess,
            W::AWordByItselfIsEasyToGuess => Self::AWordByItselfIsEasyToGuess,
            W::DatesAreOftenEasyToGuess => Self::DatesAreOftenEasyToGuess,
            W::NamesAndSurnamesByThemselvesAreEasyToGuess => {
                Self::NamesAndSurnamesByThemselvesAreEasyToGuess
            }
            W::CommonNamesAndSurnamesAreEasyToGuess => Self::CommonNamesAndSurnamesAreEasyToGuess,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<zxcvbn::feedback::Suggestion> for PasswordAdvice {
    fn from(s: zxcvbn::feedback::Suggestion) -> Self {
        use zxcvbn::feedback::Suggestion as S;
        match s {
            S::UseAFewWordsAvoidCommonPhrases => Self::UseAFewWordsAvoidCommonPhrases,
            S::NoNeedForSymbolsDigitsOrUppercaseLetters => {
                Self::NoNeedForSymbolsDigitsOrUppercaseLetters
            }
            S::AddAnotherWordOrTwo => Self::AddAnotherWordOrTwo,
            S::CapitalizationDoesntHelpVeryMuch => Self::CapitalizationDoesntHelpVeryMuch,
            S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
                Self::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase
            }
            S::ReversedWordsArentMuchHarderToGuess => Self::ReversedWordsArentMuchHarderToGuess,
            S::PredictableSubstitutionsDontHelpVeryMuch => {
                Self::PredictableSubstitutionsDontHelpVeryMuch
            }
            S::UseALongerKeyboardPatternWithMoreTurns => {
                Self::UseALongerKeyboardPatternWithMoreTurns
            }
            S::AvoidRepeatedWordsAndCharacters => Self::AvoidRepeatedWordsAndCharacters,
            S::AvoidSequences => Self::AvoidSequences,
            S::AvoidRecentYears => Self::AvoidRecentYears,
            S::AvoidYearsThatAreAssociatedWithYou => Self::AvoidYearsThatAreAssociatedWithYou,
            S::AvoidDatesAndYearsThatAreAssociatedWithYou => {
                Self::AvoidDatesAndYearsThatAreAssociatedWithYou
            }
        }
    }
}

/// Advice in English, one sentence after another (what [`PasswordError::TooWeak`] displays; pages word
/// it in their own language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice(pub Vec<PasswordAdvice>);

impl std::fmt::Display for Advice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl Advice {
    /// The advice in `l`, one sentence after another.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        self.0
            .iter()
            .map(|a| l.tr(a.key()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a new password must be: at least `min_chars` characters and, on the server, hard to guess
/// even for someone who knows the brand (`brand` is one of zxcvbn's user inputs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordRules {
    /// The fewest characters (`USHER_PASSWORD_MIN_LENGTH`; never below [`PASSWORD_MIN`]).
    pub min_chars: usize,
    /// The brand name (`USHER_BRAND_NAME`).
    pub brand: String,
}

/// The least zxcvbn score (0–4) a new password must reach: 3, "safely unguessable: moderate
/// protection from offline slow-hash scenario" (< 10¹⁰ guesses), as issue 35 item 7 asks.
pub const PASSWORD_MIN_SCORE: u8 = 3;

/// Validates a username: 1–150 characters of authentik's charset `^[\w.@+-]+$`, on the server also of
/// one script (UTS #39 single-script). Returns it trimmed and, on the server, NFKC-normalised (so
/// full-width `ｊａｎｅ` is stored as `jane`).
///
/// # Errors
/// [`UsernameError`].
pub fn validate_username(raw: &str) -> Result<String, UsernameError> {
    #[cfg(feature = "ssr")]
    let normalised: String = {
        use unicode_normalization::UnicodeNormalization;
        raw.trim().nfkc().collect()
    };
    #[cfg(not(feature = "ssr"))]
    let normalised = raw.trim().to_owned();
    let s = normalised.trim();
    if s.is_empty() {
        return Err(UsernameError::Required);
    }
    if s.chars().count() > USERNAME_MAX {
        return Err(UsernameError::TooLong);
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || ".@+-".contains(c))
    {
        return Err(UsernameError::Characters);
    }
    #[cfg(feature = "ssr")]
    {
        use unicode_security::MixedScript;
        if !s.is_single_script() {
            return Err(UsernameError::MixedScripts);
        }
    }
    Ok(s.to_owned())
}

/// The key usernames are unique by: NFKC, full Unicode case folding (`caseless`, CaseFolding.txt C+F),
/// NFKC again (Unicode's NFKC_Casefold, closely), so `Admin`, `ADMIN` and full-width `ａｄｍｉｎ` are one
/// name (issue 12 item 14), and so are Greek `ΝΊΚΟΣ` and `Νίκος` (a final sigma folds to σ, which
/// lower-casing letter by letter missed; issue 35 item 7), and `STRASSE` and `Straße`.
#[cfg(feature = "ssr")]
pub fn username_key(username: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let composed: String = username.trim().nfkc().collect();
    caseless::default_case_fold_str(&composed).nfkc().collect()
}

/// The confusable skeleton (UTS #39 §4) of a username's key: two names that look alike (Latin `admin`
/// and Cyrillic `аdmіn`, or `rn` and `m`) share it, so no two accounts may.
#[cfg(feature = "ssr")]
pub fn username_skeleton(username: &str) -> String {
    unicode_security::skeleton(&username_key(username)).collect()
}

/// Validates a new password and its repetition: equal, at least `min_chars` characters (the instance's
/// `USHER_PASSWORD_MIN_LENGTH`, never fewer than [`PASSWORD_MIN`]), at most [`PASSWORD_MAX_BYTES`], and
/// on the server hard to guess ([`password_strength`] with `user_inputs`: the username, email, name and
/// brand name, so a password made of them scores low).
///
/// # Errors
/// [`PasswordError`].
pub fn validate_new_password(
    password: &str,
    repeat: &str,
    min_chars: usize,
    user_inputs: &[&str],
) -> Result<(), PasswordError> {
    validate_password_shape(password, repeat, min_chars)?;
    #[cfg(feature = "ssr")]
    password_strength(password, user_inputs)?;
    #[cfg(not(feature = "ssr"))]
    let _ = user_inputs;
    Ok(())
}

/// The cheap half of [`validate_new_password`]: the repetition, the length, the byte limit; no
/// strength estimate (enrollment runs that only once the post is within its budget).
///
/// # Errors
/// [`PasswordError::Mismatch`], [`PasswordError::TooShort`], [`PasswordError::TooLong`].
pub fn validate_password_shape(
    password: &str,
    repeat: &str,
    min_chars: usize,
) -> Result<(), PasswordError> {
    if password != repeat {
        return Err(PasswordError::Mismatch);
    }
    let min_chars = min_chars.max(PASSWORD_MIN);
    if password.chars().count() < min_chars {
        return Err(PasswordError::TooShort(min_chars));
    }
    if password.len() > PASSWORD_MAX_BYTES {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

/// Refuses a password that zxcvbn (Dropbox's estimator, the `zxcvbn` crate; it reads the first 100
/// characters only, so its cost is bounded) scores below [`PASSWORD_MIN_SCORE`], given `user_inputs`
/// (words an attacker would try first: the username, email, name, brand). Server side only: the
/// dictionaries stay out of the browser's WASM.
///
/// # Errors
/// [`PasswordError::TooWeak`] with zxcvbn's warning and suggestions ([`PasswordAdvice`]).
#[cfg(feature = "ssr")]
pub fn password_strength(password: &str, user_inputs: &[&str]) -> Result<(), PasswordError> {
    let inputs: Vec<&str> = user_inputs
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) >= PASSWORD_MIN_SCORE {
        return Ok(());
    }
    let mut advice: Vec<PasswordAdvice> = Vec::new();
    if let Some(f) = estimate.feedback() {
        advice.extend(f.warning().map(PasswordAdvice::from));
        advice.extend(f.suggestions().iter().map(|s| PasswordAdvice::from(*s)));
    }
    if advice.is_empty() {
        advice.push(PasswordAdvice::UncommonWords);
    }
    Err(PasswordError::TooWeak(Advice(advice)))
}

/// The directory's path tree (authentik's user paths, e.g. `users/internal/engineering`): every path
/// the users have and each of its ancestors, sorted, as `(path, depth, users at or below it)`; depth 0 is
/// a top-level segment.
pub fn path_tree(paths: &[String]) -> Vec<(String, usize, usize)> {
    let counted: Vec<(&str, usize)> = paths.iter().map(|p| (p.as_str(), 1)).collect();
    path_tree_counted(&counted)
}

/// [`path_tree`] from each path's count of users (`(path, users with exactly that path)`, as one
/// `GROUP BY path` reads them; a path may repeat, its counts add up).
pub fn path_tree_counted(paths: &[(&str, usize)]) -> Vec<(String, usize, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (p, n) in paths {
        let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
        for i in 1..=parts.len() {
            *counts.entry(parts[..i].join("/")).or_default() += n;
        }
    }
    counts
        .into_iter()
        .map(|(p, n)| (p.clone(), p.matches('/').count(), n))
        .collect()
}

/// Whether a user at `path` is shown when the tree's `selected` path is chosen: at it or below it.
pub fn under(path: &str, selected: &str) -> bool {
    selected.is_empty() || path == selected || path.starts_with(&format!("{selected}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(
            validate_username(" jane.smith@x+1-a_b ").unwrap(),
            "jane.smith@x+1-a_b"
        );
        assert!(validate_username("").is_err());
        assert!(validate_username("has space").is_err());
        assert!(validate_username("semi;colon").is_err());
        assert!(validate_username(&"a".repeat(151)).is_err());
        assert!(validate_username(&"a".repeat(150)).is_ok());
    }

    #[test]
    fn usernames_are_nfkc_and_single_script() {
        assert_eq!(validate_username("ｊａｎｅ").unwrap(), "jane");
        // Cyrillic а (U+0430) among Latin letters.
        assert_eq!(
            validate_username("p\u{430}ypal"),
            Err(UsernameError::MixedScripts)
        );
        // One script, or Han with kana, is fine; digits and punctuation belong to every script.
        assert!(validate_username("мария").is_ok());
        assert!(validate_username("山田たろう").is_ok());
        assert!(validate_username("jane.smith-2").is_ok());
    }

    #[test]
    fn one_key_and_skeleton_for_names_that_read_alike() {
        assert_eq!(username_key("Admin"), "admin");
        assert_eq!(username_key("ＡＤＭＩＮ"), "admin");
        assert_eq!(username_key("Straße"), "strasse");
        assert_eq!(username_key("STRASSE"), username_key("Straße"));
        assert_eq!(username_key("ΝΊΚΟΣ"), username_key("Νίκος"));
        assert_eq!(username_key("νίκος"), "νίκοσ");
        assert_ne!(username_key("jane"), username_key("janet"));
        // Whole-script Cyrillic look-alike of "admin" (а, ԁ, м are not used: one confusable suffices).
        assert_eq!(username_skeleton("\u{430}dmin"), username_skeleton("admin"));
        assert_eq!(username_skeleton("rnary"), username_skeleton("mary"));
        assert_ne!(username_skeleton("jane"), username_skeleton("john"));
    }

    #[test]
    fn passwords() {
        assert!(
            validate_new_password("longenough-otter", "longenough-otter", PASSWORD_MIN, &[])
                .is_ok()
        );
        assert!(validate_new_password("longenough", "different1", PASSWORD_MIN, &[]).is_err());
        assert!(validate_new_password("short", "short", PASSWORD_MIN, &[]).is_err());
        // NIST SP 800-63B-4's 15 for a single factor, when the instance asks it.
        assert_eq!(
            validate_new_password("longenough", "longenough", 15, &[]),
            Err(PasswordError::TooShort(15))
        );
        assert_eq!(
            PasswordError::TooShort(15).to_string(),
            "Password must be at least 15 characters."
        );
        assert!(validate_new_password("fifteen-chars-ok", "fifteen-chars-ok", 15, &[]).is_ok());
        // Never fewer than the floor.
        assert!(validate_new_password("short", "short", 2, &[]).is_err());
        let long = "x".repeat(PASSWORD_MAX_BYTES + 1);
        assert_eq!(
            validate_new_password(&long, &long, PASSWORD_MIN, &[]),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn weak_passwords_are_refused_with_advice() {
        // Common passwords and keyboard walks, whatever their length.
        for weak in ["password1234", "qwertyuiop", "longenough", "aaaaaaaaaaaa"] {
            let e = validate_new_password(weak, weak, PASSWORD_MIN, &[]).unwrap_err();
            assert!(matches!(e, PasswordError::TooWeak(_)), "{weak}: {e:?}");
            let text = e.to_string();
            assert!(
                text.starts_with("This password is too easy to guess. ") && text.len() > 40,
                "{text}"
            );
        }
        // A password made of the user's own details is weak for that user only.
        assert!(password_strength("usherjane.smith", &[]).is_ok());
        assert!(matches!(
            password_strength(
                "usherjane.smith",
                &["jane.smith", "jane@example.com", "Usher"]
            ),
            Err(PasswordError::TooWeak(_))
        ));
        // Passphrases pass.
        assert!(password_strength("correct-horse-battery", &["admin"]).is_ok());
    }

    #[test]
    fn password_advice_is_worded_in_each_language() {
        use crate::i18n::Locale;
        for a in PasswordAdvice::ALL {
            for l in Locale::ALL {
                let words = l.tr(a.key());
                assert!(
                    words != a.key() && words.ends_with('.'),
                    "{l:?} {a:?}: {words}"
                );
            }
        }
        let advice = Advice(vec![
            PasswordAdvice::ThisIsACommonPassword,
            PasswordAdvice::AddAnotherWordOrTwo,
        ]);
        assert_eq!(
            advice.to_string(),
            "This is a very common password. Add another word or two. Uncommon words are better."
        );
        assert!(advice
            .worded(Locale::De)
            .starts_with("Dies ist ein sehr häufiges Passwort. "));
    }

    #[test]
    fn a_counted_path_tree_is_the_tree_of_its_users() {
        let counted = [
            ("users/external", 1),
            ("users/internal", 1),
            ("users/internal/engineering", 2),
        ];
        let paths: Vec<String> = counted
            .iter()
            .flat_map(|(p, n)| std::iter::repeat_n(p.to_string(), *n))
            .collect();
        assert_eq!(path_tree_counted(&counted), path_tree(&paths));
        assert_eq!(path_tree_counted(&counted)[0], ("users".into(), 0, 4));
        assert!(path_tree_counted(&[]).is_empty());
    }

    #[test]
    fn path_tree_counts_users_at_or_below() {
        let paths: Vec<String> = [
            "users/external",
            "users/internal/engineering",
            "users/internal",
            "users/internal/engineering",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            path_tree(&paths),
            vec![
                ("users".into(), 0, 4),
                ("users/external".into(), 1, 1),
                ("users/internal".into(), 1, 3),
                ("users/internal/engineering".into(), 2, 2),
            ]
        );
        assert!(under("users/internal/engineering", "users/internal"));
        assert!(
            !under("users/internals", "users/internal"),
            "whole segments only"
        );
        assert!(under("users", ""));
    }
}
