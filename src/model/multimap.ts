/** Appends to the list stored under `key`, creating it: O(1), where `[...(m.get(k) ?? []), v]` copies every time. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
