/** Label and face chips above the gallery: one label at a time, faces on/off; a second click clears. */
import type { GalleryFilter } from './search-chips.ts';

interface Props {
  labels: string[];
  filter: GalleryFilter;
  onChange(filter: GalleryFilter): void;
}

export function FilterChips({ labels, filter, onChange }: Props) {
  const shown = filter.label && !labels.includes(filter.label) ? [filter.label, ...labels] : labels;
  return (
    <nav aria-label="Filters" className="chips">
      <button
        type="button"
        className="chip"
        aria-pressed={filter.hasFaces === true}
        onClick={() => onChange({ ...filter, hasFaces: filter.hasFaces === true ? undefined : true })}
      >
        Faces
      </button>
      {shown.map((label) => (
        <button
          key={label}
          type="button"
          className="chip"
          aria-pressed={filter.label === label}
          onClick={() => onChange({ ...filter, label: filter.label === label ? undefined : label })}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}
