/** Length in Unicode code points, the unit Discord's limits count (an emoji is one, not two UTF-16 units). */
export const codePointLength = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};
