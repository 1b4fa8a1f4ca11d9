export type SearchAttributeType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** Custom search attributes the workflows set and the services query: every namespace the stack uses needs them. */
export const CASE_SEARCH_ATTRIBUTES: Record<string, SearchAttributeType> = {
  CaseType: 'Keyword',
  CaseOrgId: 'Keyword',
  CaseStatus: 'Keyword',
};

/** temporal.api.enums.v1.IndexedValueType */
export const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};
