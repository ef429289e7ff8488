/* A search query in Simplified, as the index is. OpenCC reads 沈 as the old form of 沉 in
 * the phrases that start with it (沈靜 → 沉静), but in text from Simplified 沈 is the
 * surname (沈静强), as the build reads it too: 沈 stays where the query had it, unless
 * the characters before it make a word with it (深沈 → 深沉). */
export function simplifyQuery(convert, query) {
  var out = convert(query);
  if (out.length !== query.length || query.indexOf("沈") < 0) return out;
  var chars = out.split("");
  for (var i = 0; i < query.length; i++) {
    if (query[i] !== "沈" || chars[i] !== "沉") continue;
    // A phrase that starts at 沈 (沈靜), not one it is inside (深沈, 破釜沈舟).
    if (convert(query.slice(i)).charAt(0) !== "沉") continue;
    var before = query.slice(Math.max(0, i - 3), i);
    if (!before || convert(before + "沈").slice(-1) !== "沉") chars[i] = "沈";
  }
  return chars.join("");
}
