//! ISO 3166-1 countries: the validated `CountryCode`, English names and a default time zone each.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// One row of the country table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    /// The alpha-2 code, upper case.
    pub code: CountryCode,
    /// The English short name people recognise (not the long formal name).
    pub name: &'static str,
    /// The IANA zone used when a person has not chosen one: the capital's or, for countries
    /// spanning several zones, the most populous region's.
    pub default_time_zone: &'static str,
}

/// An ISO 3166-1 alpha-2 code known to the country table. It can only be built from the
/// table, so every value has a name and a default time zone.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct CountryCode(&'static str);

/// Why a string is not a country.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CountryError {
    #[error("enter a country")]
    Empty,
    #[error("{0:?} is not a country code or country name we know")]
    Unknown(String),
}

impl CountryCode {
    /// Accepts an alpha-2 code in any case ("au", "AU") or the English name in any case and
    /// with or without accents ("cote d'ivoire"), plus a few names people commonly type.
    pub fn parse(input: &str) -> Result<CountryCode, CountryError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(CountryError::Empty);
        }
        if trimmed.len() == 2 {
            let upper = trimmed.to_ascii_uppercase();
            if let Some(country) = COUNTRIES.iter().find(|c| c.code.0 == upper) {
                return Ok(country.code);
            }
        }
        let wanted = fold(trimmed);
        let by_name = |name: &str| -> Option<CountryCode> {
            COUNTRIES
                .iter()
                .find(|c| fold(c.name) == name)
                .map(|c| c.code)
                .or_else(|| {
                    ALIASES
                        .iter()
                        .find(|(alias, _)| *alias == name)
                        .and_then(|(_, code)| COUNTRIES.iter().find(|c| c.code.0 == *code))
                        .map(|c| c.code)
                })
        };
        if let Some(code) = by_name(&wanted) {
            return Ok(code);
        }
        // ISO 3166's formal English names: "Korea, Republic of" reads as "Republic of
        // Korea"; "Bolivia (Plurinational State of)" and "Tanzania, United Republic of" are
        // known by the part before the qualifier. The turned-round form is tried first, so
        // "Congo, Democratic Republic of the" is not taken for the Congo.
        if let Some((head, tail)) = wanted.split_once(", ") {
            if let Some(code) = by_name(&format!("{tail} {head}")) {
                return Ok(code);
            }
            if let Some(code) = by_name(head.trim()) {
                return Ok(code);
            }
        }
        if let Some((head, _)) = wanted.split_once(" (")
            && let Some(code) = by_name(head.trim())
        {
            return Ok(code);
        }
        Err(CountryError::Unknown(trimmed.to_owned()))
    }

    /// The upper-case alpha-2 code, as stored in the database.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The English short name.
    pub fn name(self) -> &'static str {
        self.country().name
    }

    /// The IANA name of the zone used when a person has not chosen one.
    pub fn default_time_zone(self) -> &'static str {
        self.country().default_time_zone
    }

    /// The table row for this code.
    pub fn country(self) -> &'static Country {
        // Every CountryCode is built from a row of COUNTRIES, so the search always succeeds;
        // the fallback only exists to avoid a panic path.
        COUNTRIES
            .iter()
            .find(|c| c.code.0 == self.0)
            .unwrap_or(&COUNTRIES[0])
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::str::FromStr for CountryCode {
    type Err = CountryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CountryCode::parse(s)
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CountryCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Every ISO 3166-1 country, sorted by English name (accents ignored), for select lists.
pub fn all() -> &'static [Country] {
    &COUNTRIES
}

/// Lower-cases and strips the accents of the letters that occur in the table's names, so
/// "Curacao", "curaçao" and "Curaçao" compare equal. Anything else passes through unchanged.
fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .map(|ch| match ch {
            'Å' | 'å' | 'Á' | 'á' | 'À' | 'à' | 'Ä' | 'ä' | 'Â' | 'â' | 'Ã' | 'ã' => {
                'a'
            }
            'Ç' | 'ç' => 'c',
            'É' | 'é' | 'È' | 'è' | 'Ê' | 'ê' | 'Ë' | 'ë' => 'e',
            'Í' | 'í' | 'Î' | 'î' | 'Ï' | 'ï' => 'i',
            'Ó' | 'ó' | 'Ô' | 'ô' | 'Ö' | 'ö' | 'Õ' | 'õ' => 'o',
            'Ú' | 'ú' | 'Ü' | 'ü' | 'Û' | 'û' => 'u',
            '\u{2019}' => '\'',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

/// The key the table is sorted by; public so callers can sort their own lists of countries
/// the same way.
pub fn name_sort_key(name: &str) -> String {
    fold(name)
}

/// Names people type that differ from the table's short name, already folded.
const ALIASES: [(&str, &str); 37] = [
    ("usa", "US"),
    ("united states of america", "US"),
    ("america", "US"),
    ("uk", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("england", "GB"),
    ("scotland", "GB"),
    ("wales", "GB"),
    ("northern ireland", "GB"),
    ("korea", "KR"),
    ("republic of korea", "KR"),
    ("vietnam", "VN"),
    ("turkey", "TR"),
    ("russian federation", "RU"),
    ("czech republic", "CZ"),
    ("ivory coast", "CI"),
    ("swaziland", "SZ"),
    ("cape verde", "CV"),
    ("macedonia", "MK"),
    ("burma", "MM"),
    ("east timor", "TL"),
    ("democratic republic of the congo", "CD"),
    ("vatican city", "VA"),
    // ISO 3166's formal names that the rules in `parse` do not reach.
    ("united kingdom of great britain and northern ireland", "GB"),
    ("democratic people's republic of korea", "KP"),
    ("lao people's democratic republic", "LA"),
    ("syrian arab republic", "SY"),
    ("brunei darussalam", "BN"),
    ("state of palestine", "PS"),
    ("republic of north macedonia", "MK"),
    ("the former yugoslav republic of macedonia", "MK"),
    ("united states", "US"),
    ("virgin islands (british)", "VG"),
    ("virgin islands (u.s.)", "VI"),
    ("south korea", "KR"),
    ("north korea", "KP"),
];

const fn c(code: &'static str, name: &'static str, default_time_zone: &'static str) -> Country {
    Country {
        code: CountryCode(code),
        name,
        default_time_zone,
    }
}

/// The table, written by hand from ISO 3166-1 and the IANA zone.tab; a test checks that every
/// zone exists in the bundled tz database and that the rows stay sorted by name.
static COUNTRIES: [Country; 249] = [
    c("AF", "Afghanistan", "Asia/Kabul"),
    c("AX", "Åland Islands", "Europe/Mariehamn"),
    c("AL", "Albania", "Europe/Tirane"),
    c("DZ", "Algeria", "Africa/Algiers"),
    c("AS", "American Samoa", "Pacific/Pago_Pago"),
    c("AD", "Andorra", "Europe/Andorra"),
    c("AO", "Angola", "Africa/Luanda"),
    c("AI", "Anguilla", "America/Anguilla"),
    c("AQ", "Antarctica", "Antarctica/McMurdo"),
    c("AG", "Antigua and Barbuda", "America/Antigua"),
    c("AR", "Argentina", "America/Argentina/Buenos_Aires"),
    c("AM", "Armenia", "Asia/Yerevan"),
    c("AW", "Aruba", "America/Aruba"),
    c("AU", "Australia", "Australia/Sydney"),
    c("AT", "Austria", "Europe/Vienna"),
    c("AZ", "Azerbaijan", "Asia/Baku"),
    c("BS", "Bahamas", "America/Nassau"),
    c("BH", "Bahrain", "Asia/Bahrain"),
    c("BD", "Bangladesh", "Asia/Dhaka"),
    c("BB", "Barbados", "America/Barbados"),
    c("BY", "Belarus", "Europe/Minsk"),
    c("BE", "Belgium", "Europe/Brussels"),
    c("BZ", "Belize", "America/Belize"),
    c("BJ", "Benin", "Africa/Porto-Novo"),
    c("BM", "Bermuda", "Atlantic/Bermuda"),
    c("BT", "Bhutan", "Asia/Thimphu"),
    c("BO", "Bolivia", "America/La_Paz"),
    c(
        "BQ",
        "Bonaire, Sint Eustatius and Saba",
        "America/Kralendijk",
    ),
    c("BA", "Bosnia and Herzegovina", "Europe/Sarajevo"),
    c("BW", "Botswana", "Africa/Gaborone"),
    c("BV", "Bouvet Island", "Europe/Oslo"),
    c("BR", "Brazil", "America/Sao_Paulo"),
    c("IO", "British Indian Ocean Territory", "Indian/Chagos"),
    c("VG", "British Virgin Islands", "America/Tortola"),
    c("BN", "Brunei", "Asia/Brunei"),
    c("BG", "Bulgaria", "Europe/Sofia"),
    c("BF", "Burkina Faso", "Africa/Ouagadougou"),
    c("BI", "Burundi", "Africa/Bujumbura"),
    c("CV", "Cabo Verde", "Atlantic/Cape_Verde"),
    c("KH", "Cambodia", "Asia/Phnom_Penh"),
    c("CM", "Cameroon", "Africa/Douala"),
    c("CA", "Canada", "America/Toronto"),
    c("KY", "Cayman Islands", "America/Cayman"),
    c("CF", "Central African Republic", "Africa/Bangui"),
    c("TD", "Chad", "Africa/Ndjamena"),
    c("CL", "Chile", "America/Santiago"),
    c("CN", "China", "Asia/Shanghai"),
    c("CX", "Christmas Island", "Indian/Christmas"),
    c("CC", "Cocos (Keeling) Islands", "Indian/Cocos"),
    c("CO", "Colombia", "America/Bogota"),
    c("KM", "Comoros", "Indian/Comoro"),
    c("CG", "Congo", "Africa/Brazzaville"),
    c("CD", "Congo (Democratic Republic)", "Africa/Kinshasa"),
    c("CK", "Cook Islands", "Pacific/Rarotonga"),
    c("CR", "Costa Rica", "America/Costa_Rica"),
    c("CI", "Côte d'Ivoire", "Africa/Abidjan"),
    c("HR", "Croatia", "Europe/Zagreb"),
    c("CU", "Cuba", "America/Havana"),
    c("CW", "Curaçao", "America/Curacao"),
    c("CY", "Cyprus", "Asia/Nicosia"),
    c("CZ", "Czechia", "Europe/Prague"),
    c("DK", "Denmark", "Europe/Copenhagen"),
    c("DJ", "Djibouti", "Africa/Djibouti"),
    c("DM", "Dominica", "America/Dominica"),
    c("DO", "Dominican Republic", "America/Santo_Domingo"),
    c("EC", "Ecuador", "America/Guayaquil"),
    c("EG", "Egypt", "Africa/Cairo"),
    c("SV", "El Salvador", "America/El_Salvador"),
    c("GQ", "Equatorial Guinea", "Africa/Malabo"),
    c("ER", "Eritrea", "Africa/Asmara"),
    c("EE", "Estonia", "Europe/Tallinn"),
    c("SZ", "Eswatini", "Africa/Mbabane"),
    c("ET", "Ethiopia", "Africa/Addis_Ababa"),
    c("FK", "Falkland Islands", "Atlantic/Stanley"),
    c("FO", "Faroe Islands", "Atlantic/Faroe"),
    c("FJ", "Fiji", "Pacific/Fiji"),
    c("FI", "Finland", "Europe/Helsinki"),
    c("FR", "France", "Europe/Paris"),
    c("GF", "French Guiana", "America/Cayenne"),
    c("PF", "French Polynesia", "Pacific/Tahiti"),
    c("TF", "French Southern Territories", "Indian/Kerguelen"),
    c("GA", "Gabon", "Africa/Libreville"),
    c("GM", "Gambia", "Africa/Banjul"),
    c("GE", "Georgia", "Asia/Tbilisi"),
    c("DE", "Germany", "Europe/Berlin"),
    c("GH", "Ghana", "Africa/Accra"),
    c("GI", "Gibraltar", "Europe/Gibraltar"),
    c("GR", "Greece", "Europe/Athens"),
    c("GL", "Greenland", "America/Nuuk"),
    c("GD", "Grenada", "America/Grenada"),
    c("GP", "Guadeloupe", "America/Guadeloupe"),
    c("GU", "Guam", "Pacific/Guam"),
    c("GT", "Guatemala", "America/Guatemala"),
    c("GG", "Guernsey", "Europe/Guernsey"),
    c("GN", "Guinea", "Africa/Conakry"),
    c("GW", "Guinea-Bissau", "Africa/Bissau"),
    c("GY", "Guyana", "America/Guyana"),
    c("HT", "Haiti", "America/Port-au-Prince"),
    c(
        "HM",
        "Heard Island and McDonald Islands",
        "Indian/Kerguelen",
    ),
    c("VA", "Holy See", "Europe/Vatican"),
    c("HN", "Honduras", "America/Tegucigalpa"),
    c("HK", "Hong Kong", "Asia/Hong_Kong"),
    c("HU", "Hungary", "Europe/Budapest"),
    c("IS", "Iceland", "Atlantic/Reykjavik"),
    c("IN", "India", "Asia/Kolkata"),
    c("ID", "Indonesia", "Asia/Jakarta"),
    c("IR", "Iran", "Asia/Tehran"),
    c("IQ", "Iraq", "Asia/Baghdad"),
    c("IE", "Ireland", "Europe/Dublin"),
    c("IM", "Isle of Man", "Europe/Isle_of_Man"),
    c("IL", "Israel", "Asia/Jerusalem"),
    c("IT", "Italy", "Europe/Rome"),
    c("JM", "Jamaica", "America/Jamaica"),
    c("JP", "Japan", "Asia/Tokyo"),
    c("JE", "Jersey", "Europe/Jersey"),
    c("JO", "Jordan", "Asia/Amman"),
    c("KZ", "Kazakhstan", "Asia/Almaty"),
    c("KE", "Kenya", "Africa/Nairobi"),
    c("KI", "Kiribati", "Pacific/Tarawa"),
    c("KW", "Kuwait", "Asia/Kuwait"),
    c("KG", "Kyrgyzstan", "Asia/Bishkek"),
    c("LA", "Laos", "Asia/Vientiane"),
    c("LV", "Latvia", "Europe/Riga"),
    c("LB", "Lebanon", "Asia/Beirut"),
    c("LS", "Lesotho", "Africa/Maseru"),
    c("LR", "Liberia", "Africa/Monrovia"),
    c("LY", "Libya", "Africa/Tripoli"),
    c("LI", "Liechtenstein", "Europe/Vaduz"),
    c("LT", "Lithuania", "Europe/Vilnius"),
    c("LU", "Luxembourg", "Europe/Luxembourg"),
    c("MO", "Macao", "Asia/Macau"),
    c("MG", "Madagascar", "Indian/Antananarivo"),
    c("MW", "Malawi", "Africa/Blantyre"),
    c("MY", "Malaysia", "Asia/Kuala_Lumpur"),
    c("MV", "Maldives", "Indian/Maldives"),
    c("ML", "Mali", "Africa/Bamako"),
    c("MT", "Malta", "Europe/Malta"),
    c("MH", "Marshall Islands", "Pacific/Majuro"),
    c("MQ", "Martinique", "America/Martinique"),
    c("MR", "Mauritania", "Africa/Nouakchott"),
    c("MU", "Mauritius", "Indian/Mauritius"),
    c("YT", "Mayotte", "Indian/Mayotte"),
    c("MX", "Mexico", "America/Mexico_City"),
    c("FM", "Micronesia", "Pacific/Pohnpei"),
    c("MD", "Moldova", "Europe/Chisinau"),
    c("MC", "Monaco", "Europe/Monaco"),
    c("MN", "Mongolia", "Asia/Ulaanbaatar"),
    c("ME", "Montenegro", "Europe/Podgorica"),
    c("MS", "Montserrat", "America/Montserrat"),
    c("MA", "Morocco", "Africa/Casablanca"),
    c("MZ", "Mozambique", "Africa/Maputo"),
    c("MM", "Myanmar", "Asia/Yangon"),
    c("NA", "Namibia", "Africa/Windhoek"),
    c("NR", "Nauru", "Pacific/Nauru"),
    c("NP", "Nepal", "Asia/Kathmandu"),
    c("NL", "Netherlands", "Europe/Amsterdam"),
    c("NC", "New Caledonia", "Pacific/Noumea"),
    c("NZ", "New Zealand", "Pacific/Auckland"),
    c("NI", "Nicaragua", "America/Managua"),
    c("NE", "Niger", "Africa/Niamey"),
    c("NG", "Nigeria", "Africa/Lagos"),
    c("NU", "Niue", "Pacific/Niue"),
    c("NF", "Norfolk Island", "Pacific/Norfolk"),
    c("KP", "North Korea", "Asia/Pyongyang"),
    c("MK", "North Macedonia", "Europe/Skopje"),
    c("MP", "Northern Mariana Islands", "Pacific/Saipan"),
    c("NO", "Norway", "Europe/Oslo"),
    c("OM", "Oman", "Asia/Muscat"),
    c("PK", "Pakistan", "Asia/Karachi"),
    c("PW", "Palau", "Pacific/Palau"),
    c("PS", "Palestine", "Asia/Gaza"),
    c("PA", "Panama", "America/Panama"),
    c("PG", "Papua New Guinea", "Pacific/Port_Moresby"),
    c("PY", "Paraguay", "America/Asuncion"),
    c("PE", "Peru", "America/Lima"),
    c("PH", "Philippines", "Asia/Manila"),
    c("PN", "Pitcairn", "Pacific/Pitcairn"),
    c("PL", "Poland", "Europe/Warsaw"),
    c("PT", "Portugal", "Europe/Lisbon"),
    c("PR", "Puerto Rico", "America/Puerto_Rico"),
    c("QA", "Qatar", "Asia/Qatar"),
    c("RE", "Réunion", "Indian/Reunion"),
    c("RO", "Romania", "Europe/Bucharest"),
    c("RU", "Russia", "Europe/Moscow"),
    c("RW", "Rwanda", "Africa/Kigali"),
    c("BL", "Saint Barthélemy", "America/St_Barthelemy"),
    c(
        "SH",
        "Saint Helena, Ascension and Tristan da Cunha",
        "Atlantic/St_Helena",
    ),
    c("KN", "Saint Kitts and Nevis", "America/St_Kitts"),
    c("LC", "Saint Lucia", "America/St_Lucia"),
    c("MF", "Saint Martin (French part)", "America/Marigot"),
    c("PM", "Saint Pierre and Miquelon", "America/Miquelon"),
    c(
        "VC",
        "Saint Vincent and the Grenadines",
        "America/St_Vincent",
    ),
    c("WS", "Samoa", "Pacific/Apia"),
    c("SM", "San Marino", "Europe/San_Marino"),
    c("ST", "Sao Tome and Principe", "Africa/Sao_Tome"),
    c("SA", "Saudi Arabia", "Asia/Riyadh"),
    c("SN", "Senegal", "Africa/Dakar"),
    c("RS", "Serbia", "Europe/Belgrade"),
    c("SC", "Seychelles", "Indian/Mahe"),
    c("SL", "Sierra Leone", "Africa/Freetown"),
    c("SG", "Singapore", "Asia/Singapore"),
    c("SX", "Sint Maarten (Dutch part)", "America/Lower_Princes"),
    c("SK", "Slovakia", "Europe/Bratislava"),
    c("SI", "Slovenia", "Europe/Ljubljana"),
    c("SB", "Solomon Islands", "Pacific/Guadalcanal"),
    c("SO", "Somalia", "Africa/Mogadishu"),
    c("ZA", "South Africa", "Africa/Johannesburg"),
    c(
        "GS",
        "South Georgia and the South Sandwich Islands",
        "Atlantic/South_Georgia",
    ),
    c("KR", "South Korea", "Asia/Seoul"),
    c("SS", "South Sudan", "Africa/Juba"),
    c("ES", "Spain", "Europe/Madrid"),
    c("LK", "Sri Lanka", "Asia/Colombo"),
    c("SD", "Sudan", "Africa/Khartoum"),
    c("SR", "Suriname", "America/Paramaribo"),
    c("SJ", "Svalbard and Jan Mayen", "Arctic/Longyearbyen"),
    c("SE", "Sweden", "Europe/Stockholm"),
    c("CH", "Switzerland", "Europe/Zurich"),
    c("SY", "Syria", "Asia/Damascus"),
    c("TW", "Taiwan", "Asia/Taipei"),
    c("TJ", "Tajikistan", "Asia/Dushanbe"),
    c("TZ", "Tanzania", "Africa/Dar_es_Salaam"),
    c("TH", "Thailand", "Asia/Bangkok"),
    c("TL", "Timor-Leste", "Asia/Dili"),
    c("TG", "Togo", "Africa/Lome"),
    c("TK", "Tokelau", "Pacific/Fakaofo"),
    c("TO", "Tonga", "Pacific/Tongatapu"),
    c("TT", "Trinidad and Tobago", "America/Port_of_Spain"),
    c("TN", "Tunisia", "Africa/Tunis"),
    c("TR", "Türkiye", "Europe/Istanbul"),
    c("TM", "Turkmenistan", "Asia/Ashgabat"),
    c("TC", "Turks and Caicos Islands", "America/Grand_Turk"),
    c("TV", "Tuvalu", "Pacific/Funafuti"),
    c("UG", "Uganda", "Africa/Kampala"),
    c("UA", "Ukraine", "Europe/Kyiv"),
    c("AE", "United Arab Emirates", "Asia/Dubai"),
    c("GB", "United Kingdom", "Europe/London"),
    c("US", "United States", "America/New_York"),
    c(
        "UM",
        "United States Minor Outlying Islands",
        "Pacific/Midway",
    ),
    c("VI", "United States Virgin Islands", "America/St_Thomas"),
    c("UY", "Uruguay", "America/Montevideo"),
    c("UZ", "Uzbekistan", "Asia/Tashkent"),
    c("VU", "Vanuatu", "Pacific/Efate"),
    c("VE", "Venezuela", "America/Caracas"),
    c("VN", "Viet Nam", "Asia/Ho_Chi_Minh"),
    c("WF", "Wallis and Futuna", "Pacific/Wallis"),
    c("EH", "Western Sahara", "Africa/El_Aaiun"),
    c("YE", "Yemen", "Asia/Aden"),
    c("ZM", "Zambia", "Africa/Lusaka"),
    c("ZW", "Zimbabwe", "Africa/Harare"),
];
