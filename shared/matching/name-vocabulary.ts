// Word lists that decide how a business or person name is reduced to comparable tokens. All entries are folded
// (lower case, no accents, no punctuation) because they are looked up after foldText and punctuation removal.

/**
 * Legal-form words. They say how a business is registered, not which business it is, and the two sides rarely
 * agree on them ("Acme Ltd" in the host, "ACME Limited" or plain "Acme" in QuickBooks), so they are dropped from the
 * end of a name.
 */
export const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'pty', 'proprietary', 'pte', 'pvt', 'private',
  'gmbh', 'mbh', 'ag', 'kg', 'ug', 'ohg', 'ev', 'co', 'company', 'corp', 'corporation', 'plc', 'pllc', 'pc',
  'sa', 'sarl', 'sas', 'sasu', 'srl', 'sl', 'slu', 'bv', 'nv', 'vof', 'oy', 'oyj', 'ab', 'as', 'asa', 'aps',
  'kk', 'cic', 'dac', 'ulc', 'lda', 'ltda', 'sc', 'sp', 'zoo', 'uc', 'nl',
]);

/**
 * Abbreviations people type for common business words, mapped to one canonical spelling so "Intl Svcs" and
 * "International Services" share tokens. Only expansions that are unambiguous in company names are listed: "st"
 * (street or saint) and "ent" (enterprises or ear-nose-throat) are deliberately absent.
 */
export const CANONICAL_WORDS: ReadonlyMap<string, string> = new Map([
  ['intl', 'international'], ['int', 'international'], ['internat', 'international'],
  ['svc', 'services'], ['svcs', 'services'], ['serv', 'services'], ['servs', 'services'], ['service', 'services'],
  ['bros', 'brothers'], ['bro', 'brothers'],
  ['mfg', 'manufacturing'], ['mfrs', 'manufacturers'], ['mfr', 'manufacturers'],
  ['assoc', 'associates'], ['assocs', 'associates'], ['assn', 'association'],
  ['dept', 'department'], ['dpt', 'department'],
  ['mgmt', 'management'], ['mgt', 'management'], ['mngmt', 'management'],
  ['tech', 'technology'], ['technologies', 'technology'], ['techn', 'technology'],
  ['grp', 'group'], ['hldgs', 'holdings'], ['hldg', 'holdings'], ['holding', 'holdings'],
  ['sys', 'systems'], ['syst', 'systems'], ['eng', 'engineering'], ['engg', 'engineering'],
  ['natl', 'national'], ['univ', 'university'],
  ['ctr', 'center'], ['cntr', 'center'], ['centre', 'center'], ['theatre', 'theater'],
  ['elec', 'electrical'], ['electric', 'electrical'], ['lab', 'laboratories'], ['labs', 'laboratories'],
  ['laboratory', 'laboratories'], ['prod', 'products'], ['prods', 'products'], ['product', 'products'],
  ['dist', 'distribution'], ['distrib', 'distribution'], ['distributors', 'distribution'],
  ['supp', 'supplies'], ['supply', 'supplies'], ['equip', 'equipment'], ['ind', 'industries'],
  ['inds', 'industries'], ['industry', 'industries'], ['const', 'construction'], ['constr', 'construction'],
  ['contr', 'contractors'], ['contractor', 'contractors'], ['consultancy', 'consulting'],
  ['consultants', 'consulting'], ['solns', 'solutions'], ['solution', 'solutions'],
  ['enterprise', 'enterprises'], ['mktg', 'marketing'], ['acct', 'accounting'],
  ['accts', 'accounting'], ['accountants', 'accounting'], ['fin', 'financial'], ['finl', 'financial'],
  ['med', 'medical'], ['pharm', 'pharmaceuticals'], ['pharma', 'pharmaceuticals'], ['trans', 'transport'],
  ['transportation', 'transport'], ['bldg', 'building'], ['bldrs', 'builders'], ['hosp', 'hospital'],
  ['ins', 'insurance'], ['invest', 'investments'], ['inv', 'investments'], ['props', 'properties'],
  ['prop', 'properties'], ['property', 'properties'], ['devel', 'development'], ['dev', 'development'],
  ['comm', 'communications'], ['comms', 'communications'], ['govt', 'government'], ['gov', 'government'],
  ['aust', 'australia'], ['amer', 'america'], ['mt', 'mount'], ['ft', 'fort'],
  ['auto', 'automotive'], ['env', 'environmental'], ['chem', 'chemicals'], ['chemical', 'chemicals'],
  ['plbg', 'plumbing'],
]);

/** Numbers written as words, so "Three Rivers" and "3 Rivers" share a token. */
export const NUMBER_WORDS: ReadonlyMap<string, string> = new Map([
  ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'], ['five', '5'], ['six', '6'],
  ['seven', '7'], ['eight', '8'], ['nine', '9'], ['ten', '10'], ['eleven', '11'], ['twelve', '12'],
  ['thirteen', '13'], ['fourteen', '14'], ['fifteen', '15'], ['sixteen', '16'], ['seventeen', '17'],
  ['eighteen', '18'], ['nineteen', '19'], ['twenty', '20'], ['thirty', '30'], ['forty', '40'], ['fifty', '50'],
  ['sixty', '60'], ['seventy', '70'], ['eighty', '80'], ['ninety', '90'], ['hundred', '100'],
  ['first', '1st'], ['second', '2nd'], ['third', '3rd'], ['fourth', '4th'], ['fifth', '5th'], ['sixth', '6th'],
  ['seventh', '7th'], ['eighth', '8th'], ['ninth', '9th'], ['tenth', '10th'],
]);

/** Words that carry no identity in a name: articles, joiners and honorifics ("The", "&", "Mr", "Dr"). */
export const NOISE_WORDS: ReadonlySet<string> = new Set([
  'the', 'and', 'of', 'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame', 'messrs', 'attn',
]);

/**
 * Words that mark a name as a business rather than a person. Used only to decide whether "Smith, John" should be
 * read surname-first and whether "John & Mary Smith" names two people; ordinary business words are enough for that.
 */
export const BUSINESS_WORDS: ReadonlySet<string> = new Set([
  'services', 'group', 'holdings', 'international', 'solutions', 'consulting', 'supplies', 'systems', 'technology',
  'management', 'associates', 'partners', 'brothers', 'manufacturing', 'industries', 'products', 'construction',
  'plumbing', 'electrical', 'dental', 'medical', 'logistics', 'trading', 'enterprises', 'store', 'shop', 'bakery',
  'cafe', 'restaurant', 'hotel', 'clinic', 'practice', 'studio', 'design', 'media', 'marketing', 'accounting',
  'legal', 'law', 'bank', 'insurance', 'properties', 'realty', 'motors', 'automotive', 'transport', 'freight',
  'engineering', 'software', 'digital', 'labs', 'laboratories', 'foods', 'farm', 'farms', 'catering', 'cleaning',
  'security', 'builders', 'contractors', 'department', 'center', 'university', 'school', 'college', 'trust',
  'foundation', 'council', 'society', 'club', 'association', 'agency', 'office', 'distribution', 'wholesale',
  'global', 'national', 'energy', 'electric', 'pharmaceuticals', 'healthcare', 'health', 'care', 'hvac',
  'landscaping', 'roofing', 'painting', 'printing', 'signs', 'rentals', 'hire', 'equipment', 'tools', 'paper',
  'office', 'it', 'telecom', 'communications', 'financial', 'capital', 'investments', 'ventures', 'development',
]);

/**
 * Markers that introduce a second name for the same entity: a trading name ("t/a", "DBA") or an alias. Matched
 * on folded text before punctuation is removed, because "t/a" is only recognisable with its slash.
 */
export const ALIAS_MARKER = /\s+(?:t\/a|t\.a\.|trading as|d\/b\/a|d\.b\.a\.?|dba|a\/k\/a|aka|formerly)\s+/;

/**
 * Place qualifiers that say where a party operates more than who it is ("Bupa UK", "Acme Europe"): they count for a
 * third of their usual weight, so "Bupa" and "Bupa UK" can still be suggested, while conflicting countries are left
 * to the country field.
 */
export const QUALIFIER_WORDS: ReadonlySet<string> = new Set([
  'uk', 'gb', 'us', 'usa', 'america', 'australia', 'aus', 'nz', 'canada', 'ireland', 'europe', 'eu', 'emea', 'apac',
  'asia', 'international', 'global', 'worldwide', 'england', 'scotland', 'wales', 'britain',
]);

/**
 * Country codes that end a name as a place label ("Acme Plumbing UK") rather than as a word of it. Other codes are
 * also English words ("It", "In", "Be", "No") and are only read as a place after a dash or in parentheses.
 */
export const TRAILING_COUNTRY_CODES: ReadonlySet<string> = new Set(['uk', 'usa', 'us', 'gb', 'uae']);

/** A canonical reading of the first word only: "St John's" is Saint John's, while "High St" is a street. */
export const FIRST_WORD_READINGS: ReadonlyMap<string, string> = new Map([['st', 'saint'], ['ste', 'sainte']]);
