/**
 * A string with the same characters that owns them. A slice of a big text is a view into it: kept in a map or a
 * profile, it keeps the whole text alive (a 65 MB file for a frame name of 20 characters) and every comparison reads
 * the text where the slice points. JSON round trips build a new sequential string in every engine; slice, concat and
 * template literals may return a view or a rope of the original instead.
 */
export function compactCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
