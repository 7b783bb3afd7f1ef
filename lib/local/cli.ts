export const main = async (argv: string[]): Promise<number> => {
  console.log('image-automation', argv.join(' '));
  return 0;
};
